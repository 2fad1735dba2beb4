using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Server;

/// <summary>The server process itself: flags, configuration errors, shutdown, restart, logs, start-up cleanup.</summary>
public sealed class ServerLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JsonObject NativeConfig = new() { ["defaultTier"] = "native" };

    [Fact(Timeout = 60_000)]
    public async Task Help_PrintsUsageOnStderrAndNothingOnStdout()
    {
        using var root = new TempDirectory();

        var (exit, stdout, stderr) = await ProcessProbe.RunServerAsync(root.Path, ["--help"], null, null, Ct);

        Assert.Equal(0, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Usage: sandbox-mcp", stderr, StringComparison.Ordinal);
        Assert.Contains("claude mcp add", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Version_PrintsTheVersionOnStderrAndNothingOnStdout()
    {
        using var root = new TempDirectory();

        var (exit, stdout, stderr) = await ProcessProbe.RunServerAsync(root.Path, ["--version"], null, null, Ct);

        Assert.Equal(0, exit);
        Assert.Equal("", stdout);
        Assert.Matches(@"^sandbox-mcp \d+\.\d+\.\d+", stderr);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("""{"idleTTL": 5}""", "idleTTL")]
    [InlineData("""{"profiles": {"ml": {"memory": "lots"}}}""", "profiles:ml:memory")]
    [InlineData("""{"defaultTier": "cloud"}""", "defaultTier")]
    [InlineData("""{"idleTtlSeconds": "soon"}""", "idleTtlSeconds")]
    [InlineData("""{"spawnPolicies": {"p": {"maxChildren": -1}}}""", "spawnPolicies:p:maxChildren")]
    public async Task Startup_InvalidConfiguration_ExitsWithAnErrorNamingTheKey(string config, string key)
    {
        using var root = new TempDirectory();
        var file = root.Combine("config", "sandbox-mcp", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, config, Ct);

        var (exit, stdout, stderr) = await ProcessProbe.RunServerAsync(root.Path, [], null, "", Ct);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(key, stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 60_000)]
    public async Task Startup_EnvironmentVariableAndCommandLine_OverrideTheFile()
    {
        await using var server = await ServerHarness.StartAsync(
            new ServerOptions
            {
                Config = new JsonObject { ["defaultTier"] = "native", ["defaultTimeoutSeconds"] = 60, ["maxOutputBytes"] = 5000 },
                Env = new Dictionary<string, string?> { ["SANDBOXMCP_DEFAULTTIMEOUTSECONDS"] = "1" },
                Args = ["--maxOutputBytes", "2000"],
            },
            Ct);

        var timedOut = await server.ExecAsync("sleep 30", cancellationToken: Ct);
        var capped = await server.ExecAsync("head -c 3000 /dev/zero | tr '\\0' x", cancellationToken: Ct);

        Assert.True(timedOut.Bool("timed_out"));
        Assert.Equal(2000, capped.Stdout.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task Shutdown_StdinClosed_ServerExitsAndItsShellsEnd()
    {
        await using var server = await ServerHarness.StartAsync(new ServerOptions { Config = NativeConfig }, Ct);
        var pids = (await server.ExecAsync("echo $$ $PPID", cancellationToken: Ct)).Stdout.Split(' ').Select(int.Parse).ToArray();
        var (shell, serverPid) = (pids[0], pids[1]);

        await server.Client.DisposeAsync();

        await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(serverPid), TimeSpan.FromSeconds(20), "server exit", Ct);
        await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(shell), TimeSpan.FromSeconds(5), "shell exit", Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Shutdown_StdinEofAfterACommand_ExitsWithCodeZeroAndNoUnhandledException()
    {
        using var root = new TempDirectory();
        using var server = ProcessProbe.StartServer(root.Path, ["--defaultTier", "native"]);
        var stderr = server.StandardError.ReadToEndAsync(Ct);

        await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"exec","arguments":{"command":"echo ran"}}}""");
        await server.StandardInput.FlushAsync(Ct);
        var initialized = await server.StandardOutput.ReadLineAsync(Ct);
        var executed = await server.StandardOutput.ReadLineAsync(Ct);
        server.StandardInput.Close();
        await server.WaitForExitAsync(Ct);

        Assert.Contains("\"result\"", initialized, StringComparison.Ordinal);
        Assert.Contains("ran", executed, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", await stderr, StringComparison.Ordinal);
        Assert.Equal(0, server.ExitCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Shutdown_Sigterm_ServerExitsEndsShellsAndKeepsState()
    {
        await using var server = await ServerHarness.StartAsync(new ServerOptions { Config = NativeConfig }, Ct);
        await server.CallOkAsync("env", new { action = "set", name = "KEEP", value = "1" }, Ct);
        var pids = (await server.ExecAsync("sleep 600 & echo $$ $PPID", cancellationToken: Ct)).Stdout.Split(' ').Select(int.Parse).ToArray();
        var (shell, serverPid) = (pids[0], pids[1]);

        ProcessProbe.Signal(serverPid, "TERM");

        await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(serverPid), TimeSpan.FromSeconds(20), "server exit after SIGTERM", Ct);
        await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(shell), TimeSpan.FromSeconds(5), "shell exit", Ct);
        var state = await File.ReadAllTextAsync(Path.Combine(server.StateDirectory, "state.json"), Ct);
        Assert.Contains("\"KEEP\"", state, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Shutdown_WhileACommandRuns_KillsItInsteadOfWaiting()
    {
        await using var server = await ServerHarness.StartAsync(new ServerOptions { Config = NativeConfig }, Ct);
        var pids = (await server.ExecAsync("echo $$ $PPID", cancellationToken: Ct)).Stdout.Split(' ').Select(int.Parse).ToArray();
        var (shell, serverPid) = (pids[0], pids[1]);
        var running = server.ExecAsync("sleep 3600", timeout: 3600, cancellationToken: Ct);
        await ProcessProbe.WaitUntilAsync(() => ProcessProbe.ChildrenOf(shell).Count > 0, TimeSpan.FromSeconds(20), "sleep to start", Ct);
        var sleeper = ProcessProbe.ChildrenOf(shell)[0];

        ProcessProbe.Signal(serverPid, "TERM");

        await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(serverPid), TimeSpan.FromSeconds(20), "server exit while a command runs", Ct);
        Assert.False(ProcessProbe.IsAlive(sleeper), "the running command outlived the server");
        Assert.False(ProcessProbe.IsAlive(shell), "the shell outlived the server");
        await Assert.ThrowsAnyAsync<Exception>(() => running);
    }

    [Fact(Timeout = 60_000)]
    public async Task Restart_ServerKnowsItsSandboxesWithFilesEnvAndDirectory()
    {
        await using var server = await ServerHarness.StartAsync(new ServerOptions { Config = NativeConfig }, Ct);
        await server.ExecAsync("mkdir -p work && cd work && echo kept > file.txt && export EXPORTED=also", sandbox: "persist", cancellationToken: Ct);
        await server.CallOkAsync("env", new { sandbox = "persist", action = "set", name = "TOOL_SET", value = "yes" }, Ct);

        await server.RestartAsync(new ServerOptions { Config = NativeConfig }, Ct);
        var listed = await server.CallOkAsync("list_all", cancellationToken: Ct);
        var result = await server.ExecAsync("cat file.txt; echo $TOOL_SET $EXPORTED", sandbox: "persist", cancellationToken: Ct);

        Assert.Contains(listed.Structured.GetProperty("sandboxes").EnumerateArray(), s => s.GetProperty("name").GetString() == "persist");
        Assert.Equal("kept\nyes also\n", result.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Logs_GoToAFileInTheStateDirectory()
    {
        await using var server = await ServerHarness.StartAsync(new ServerOptions { Config = NativeConfig }, Ct);
        await server.ExecAsync("true", cancellationToken: Ct);
        var logs = Path.Combine(server.StateDirectory, "logs");

        await ProcessProbe.WaitUntilAsync(
            () => Directory.Exists(logs) && Directory.EnumerateFiles(logs).Any(f => File.ReadAllText(f).Contains("Created sandbox default", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "a log line about the new sandbox",
            Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Startup_OrphanedAndExpiredSandboxes_AreRemoved()
    {
        using var root = new TempDirectory();
        var shortTtl = new JsonObject { ["defaultTier"] = "native", ["idleTtlSeconds"] = 2 };
        await using (var first = await ServerHarness.StartAsync(new ServerOptions { Root = root.Path, Config = new JsonObject { ["defaultTier"] = "native", ["idleTtlSeconds"] = 3600 } }, Ct))
        {
            await first.ExecAsync("true", sandbox: "old", cancellationToken: Ct);
        }

        var sandboxes = Path.Combine(root.Path, "state", "sandbox-mcp", "sandboxes");
        Directory.CreateDirectory(Path.Combine(sandboxes, "orphan"));
        await Task.Delay(TimeSpan.FromSeconds(3), Ct); // let "old" pass its 2 s TTL while no server runs

        await using var second = await ServerHarness.StartAsync(new ServerOptions { Root = root.Path, Config = shortTtl }, Ct);
        var listed = await second.CallOkAsync("list_all", cancellationToken: Ct);

        Assert.Empty(listed.Structured.GetProperty("sandboxes").EnumerateArray());
        Assert.False(Directory.Exists(Path.Combine(sandboxes, "orphan")));
        Assert.False(Directory.Exists(Path.Combine(sandboxes, "old")));
    }

    [Fact(Timeout = 60_000)]
    public async Task IdleTtl_UnusedSandbox_IsDestroyedByTheSweep()
    {
        await using var server = await ServerHarness.StartAsync(new ServerOptions { Config = new JsonObject { ["defaultTier"] = "native", ["idleTtlSeconds"] = 2 } }, Ct);
        await server.ExecAsync("true", sandbox: "idle", cancellationToken: Ct);
        var directory = Path.Combine(server.StateDirectory, "sandboxes", "idle");
        Assert.True(Directory.Exists(directory));

        await ProcessProbe.WaitUntilAsync(() => !Directory.Exists(directory), TimeSpan.FromSeconds(30), "the idle sandbox to be reaped", Ct);
        var again = await server.ExecAsync("echo fresh", sandbox: "idle", cancellationToken: Ct);

        Assert.Equal("fresh\n", again.Stdout);
        Assert.Contains("idle for more than 2 s", again.Get("note"), StringComparison.Ordinal);
    }
}
