using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Seatbelt;

/// <summary>
/// What the seatbelt tier under bubblewrap keeps a command from, each on a real bwrap. The server's HOME is a
/// temporary directory holding fake secrets, and the profile makes that HOME readable, so every denial below is
/// the denied list at work, not a path that merely is not mounted.
/// </summary>
public sealed class BubblewrapPolicyTests : ServerTest
{
    private const string SshKey = "FAKE-SSH-PRIVATE-KEY-7f3a";
    private const string AwsKey = "FAKE-AWS-SECRET-91c2";
    private const string ExtraSecret = "FAKE-EXTRA-SECRET-55d0";

    protected override JsonObject Config => new()
    {
        ["defaultTier"] = "seatbelt",
        ["sandboxDefaults"] = new JsonObject
        {
            ["readOnlyPaths"] = new JsonArray("~"),
            ["deniedPaths"] = new JsonArray("~/project/extra-secret.txt"),
        },
        ["profiles"] = new JsonObject { ["online"] = new JsonObject { ["network"] = "default" } },
    };

    protected override void RequireEngine() => Engines.Require("bwrap");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var home = Server.Home;
        Write(Path.Combine(home, ".ssh", "id_rsa"), SshKey);
        Write(Path.Combine(home, ".aws", "credentials"), $"[default]\naws_secret_access_key = {AwsKey}\n");
        Write(Path.Combine(home, "project", "extra-secret.txt"), ExtraSecret);
        Write(Path.Combine(home, "project", "readme.txt"), "readable");
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_ReadSshKey_IsDeniedWhileTheRestOfHomeIsReadable()
    {
        var readme = await Server.ExecAsync($"cat {Quote(Server.Home)}/project/readme.txt", cancellationToken: Ct);
        var key = await Server.ExecAsync($"cat {Quote(Server.Home)}/.ssh/id_rsa; ls -A {Quote(Server.Home)}/.ssh", cancellationToken: Ct);

        Assert.Equal("readable", readme.Stdout);
        Assert.DoesNotContain(SshKey, key.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("id_rsa", key.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_ReadAwsCredentials_IsDenied()
    {
        var result = await Server.ExecAsync($"cat {Quote(Server.Home)}/.aws/credentials", cancellationToken: Ct);

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain(AwsKey, result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_ReadConfiguredDeniedPath_IsDenied()
    {
        var result = await Server.ExecAsync($"cat {Quote(Server.Home)}/project/extra-secret.txt", cancellationToken: Ct);

        Assert.DoesNotContain(ExtraSecret, result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_SymlinksInsideTheSandboxToSecrets_AreDeniedToo()
    {
        var home = Quote(Server.Home);
        var result = await Server.ExecAsync(
            $"ln -s {home}/.ssh/id_rsa key && ln -s {home}/.aws aws && ln -s {home}/project/extra-secret.txt extra && cat key aws/credentials extra; ls -l key",
            cancellationToken: Ct);

        Assert.Contains("key ->", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(SshKey, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(AwsKey, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(ExtraSecret, result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_WriteOutsideItsOwnDirectory_FailsAndLeavesTheHostUntouched()
    {
        var state = Path.Combine(Server.StateDirectory, "planted");
        var home = Path.Combine(Server.Home, "planted");
        var result = await Server.ExecAsync(
            $"echo x > {Quote(state)}; echo x > /etc/planted-by-sandbox; echo x > {Quote(home)}; echo x > own-file && echo own-ok",
            cancellationToken: Ct);

        Assert.Equal("own-ok\n", result.Stdout);
        Assert.Contains("Read-only file system", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(state), "the sandbox wrote into the server's state directory");
        Assert.False(File.Exists("/etc/planted-by-sandbox"), "the sandbox wrote into /etc");
        Assert.False(File.Exists(home), "the sandbox wrote into HOME");
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_StateDirectory_IsHiddenApartFromItsOwnDirectory()
    {
        var result = await Server.ExecAsync($"ls -A {Quote(Server.StateDirectory)}; cat {Quote(Path.Combine(Server.StateDirectory, "state.json"))}", cancellationToken: Ct);

        Assert.DoesNotContain("state.json", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("schemaVersion", result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_NetworkDenied_CannotReachHostLoopbackButHasItsOwn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var host = await Server.ExecAsync($"nc -z -w 2 127.0.0.1 {port} && echo reached || echo blocked", cancellationToken: Ct);
        var own = await Server.ExecAsync("nc -l 127.0.0.1 47111 >/dev/null & sleep 0.3; nc -z -w 2 127.0.0.1 47111 && echo own-loopback; kill $! 2>/dev/null", cancellationToken: Ct);

        Assert.Equal("blocked\n", host.Stdout);
        Assert.Contains("own-loopback", own.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_NetworkAllowedByProfile_ReachesHostLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync(Ct).AsTask();

        var result = await Server.ExecAsync($"nc -z -w 2 127.0.0.1 {port} && echo reached || echo blocked", sandbox: "online", cancellationToken: Ct);

        Assert.Equal("reached\n", result.Stdout);
        using var client = await accepted.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_HostProcesses_AreInvisible()
    {
        using var host = Process.Start(new ProcessStartInfo("sleep", "3017") { UseShellExecute = false })!;
        try
        {
            var result = await Server.ExecAsync(
                $"cat /proc/[0-9]*/cmdline | tr '\\0' ' '; echo; kill -0 {host.Id.ToString(CultureInfo.InvariantCulture)} 2>/dev/null && echo signalled; ps -e -o comm= | sort -u | tr '\\n' ' '",
                cancellationToken: Ct);

            Assert.DoesNotContain("3017", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("dotnet", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("sh", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            host.Kill();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Destroy_LeavesNoProcessBehind()
    {
        // One left behind by a command, one in a session of its own (out of reach of a process-group kill).
        await Server.ExecAsync("sleep 3021 >/dev/null 2>&1 & setsid sleep 3022 >/dev/null 2>&1 &", cancellationToken: Ct);
        var directory = Path.Combine(Server.StateDirectory, "seatbelt", "default");
        Assert.NotEmpty(ProcessesOf(directory));

        await Server.CallOkAsync("destroy", cancellationToken: Ct);

        await ProcessProbe.WaitUntilAsync(() => ProcessesOf(directory).Count == 0, TimeSpan.FromSeconds(10), "every process of the sandbox gone after destroy", Ct);
        Assert.False(Directory.Exists(directory));
    }

    [Fact(Timeout = 60_000)]
    public async Task ServerExit_LeavesNoProcessBehind_AndARestartedServerReconnects()
    {
        await Server.ExecAsync("echo kept > kept.txt; sleep 3031 >/dev/null 2>&1 & setsid sleep 3032 >/dev/null 2>&1 &", cancellationToken: Ct);
        var directory = Path.Combine(Server.StateDirectory, "seatbelt", "default");
        Assert.NotEmpty(ProcessesOf(directory));

        // The old server exits; the new one starts no sandbox process until it is used.
        await Server.RestartAsync(new ServerOptions { Config = Config }, Ct);

        await ProcessProbe.WaitUntilAsync(() => ProcessesOf(directory).Count == 0, TimeSpan.FromSeconds(10), "every process of the sandbox gone after the server exited", Ct);
        var again = await Server.ExecAsync("cat kept.txt", cancellationToken: Ct);
        Assert.Equal("kept\n", again.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Status_SaysBubblewrapWithPolicySummary()
    {
        await Server.ExecAsync("true", cancellationToken: Ct);

        var status = await Server.CallOkAsync("status", cancellationToken: Ct);

        Assert.Contains("tier seatbelt, engine bwrap", status.Text, StringComparison.Ordinal);
        Assert.Contains("policy: writable: ", status.Text, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Server.Home, ".ssh"), status.Text, StringComparison.Ordinal);
        Assert.Contains("network: none", status.Text, StringComparison.Ordinal);
    }

    /// <summary>Host processes carrying the sandbox's id tag (holders, shells, commands, background processes).</summary>
    private static List<int> ProcessesOf(string directory)
    {
        var tag = System.Text.Encoding.UTF8.GetBytes($"SANDBOX_MCP_ID={directory}\0");
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) && ProcessProbe.IsAlive(pid))
            {
                try
                {
                    if (File.ReadAllBytes(Path.Combine(dir, "environ")).AsSpan().IndexOf(tag) >= 0)
                    {
                        found.Add(pid);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Gone while we looked.
                }
            }
        }

        return found;
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
