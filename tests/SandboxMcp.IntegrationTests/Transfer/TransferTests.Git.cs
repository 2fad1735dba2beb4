using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SandboxMcp.IntegrationTests.Transfer;

public abstract partial class TransferTests
{
    private Process? _gitDaemon;

    /// <summary>
    /// The URL the sandbox clones <paramref name="bareRepository"/> (a host path) from. By default a <c>git daemon</c>
    /// on 127.0.0.1, which host processes reach; a tier with its own network namespace overrides this.
    /// </summary>
    protected virtual async Task<string> ServeRepositoryAsync(string bareRepository)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true };
        var root = Path.GetDirectoryName(bareRepository)!;
        foreach (var arg in new[] { "daemon", "--reuseaddr", "--export-all", "--base-path=" + root, "--listen=127.0.0.1", "--port=" + port, root })
        {
            info.ArgumentList.Add(arg);
        }

        _gitDaemon = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, Ct);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_gitDaemon.HasExited)
            {
                await Task.Delay(50, Ct);
            }
        }

        return $"git://127.0.0.1:{port}/{Path.GetFileName(bareRepository)}";
    }

    public override async ValueTask DisposeAsync()
    {
        if (_gitDaemon is { HasExited: false })
        {
            _gitDaemon.Kill(entireProcessTree: true);
            await _gitDaemon.WaitForExitAsync(CancellationToken.None);
        }

        _gitDaemon?.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact(Timeout = 180_000)]
    public async Task GitClone_WithToken_ClonesAndTheTokenIsNowhereAfterwards()
    {
        var token = "sbxtok" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var url = await ServeRepositoryAsync(await CreateBareRepositoryAsync());

        var clone = await Server.CallOkAsync("git_clone", new { url, path = "cloned", token }, Ct);
        var readme = await Server.ExecAsync("cat cloned/README.md; git -C cloned log --format=%s", cancellationToken: Ct);
        var config = await Server.ExecAsync("git -C cloned config --list --show-origin; cat /etc/gitconfig ~/.gitconfig ~/.config/git/config 2>/dev/null; env", cancellationToken: Ct);
        var places = await Server.ExecAsync("printf '%s\\n%s\\n' \"$HOME\" \"$PWD\"", cancellationToken: Ct);
        var scanned = 0;
        foreach (var (dir, i) in places.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Select((d, i) => (d, i)))
        {
            await Server.CallOkAsync("download", new { path = dir, host_path = $"scan{i}" }, Ct);
            scanned += AssertNowhere(token, HostPath($"scan{i}"));
        }

        var history = await Server.CallOkAsync("history", new { limit = 1000 }, Ct);

        Assert.Equal("hello\ninitial commit\n", readme.Stdout);
        Assert.Equal("main", clone.Get("branch"));
        Assert.True(scanned > 3, $"only {scanned} files scanned");
        Assert.DoesNotContain(token, config.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, clone.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, history.Text + history.Result.StructuredContent, StringComparison.Ordinal);
        Assert.Contains("git_clone", history.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, Server.Stderr, StringComparison.Ordinal);
        AssertNowhere(token, Server.StateDirectory);
    }

    [Fact(Timeout = 120_000)]
    public async Task GitClone_FailingWithTokenAndPasswordInUrl_ErrorAndHistoryAreScrubbed()
    {
        var token = "sbxtok" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var password = "pw" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

        var error = await Server.CallErrorAsync("git_clone", new { url = $"https://user:{password}@127.0.0.1:9/none.git", token }, Ct);
        var history = await Server.CallOkAsync("history", new { limit = 1000 }, Ct);

        Assert.Contains("failed", error, StringComparison.Ordinal);
        foreach (var secret in new[] { token, password })
        {
            Assert.DoesNotContain(secret, error, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, history.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, Server.Stderr, StringComparison.Ordinal);
            AssertNowhere(secret, Server.StateDirectory);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task GitClone_DangerousUrls_AreRefusedBeforeGitRuns()
    {
        string[] urls = ["ext::sh -c touch% /tmp/pwned", "-u/tmp/x", "ssh://-oProxyCommand=touch /tmp/pwned/x", "fd::17", "ftp://example.com/repo.git", "/srv/repo.git"];

        foreach (var url in urls)
        {
            var error = await Server.CallErrorAsync("git_clone", new { url }, Ct);

            Assert.Contains("Invalid repository URL", error, StringComparison.Ordinal);
        }
    }

    /// <summary>A bare repository with one commit on main, on the host under the server's root.</summary>
    private async Task<string> CreateBareRepositoryAsync()
    {
        var work = HostPath("repo-src");
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Combine(work, "README.md"), "hello\n", Ct);
        await GitAsync(work, "init", "-q", "-b", "main");
        await GitAsync(work, "add", "README.md");
        await GitAsync(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "initial commit");
        var bare = HostPath("served", "repo.git");
        await GitAsync(HostPath(), "clone", "-q", "--bare", work, bare);
        return bare;
    }

    private static async Task GitAsync(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var git = Process.Start(info)!;
        var stderr = git.StandardError.ReadToEndAsync(Ct);
        await git.StandardOutput.ReadToEndAsync(Ct);
        await git.WaitForExitAsync(Ct);
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {await stderr}");
    }

    /// <summary>Fails when any file under <paramref name="directory"/> holds <paramref name="secret"/>; returns how many files it read.</summary>
    private static int AssertNowhere(string secret, string directory)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        var files = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            if (new FileInfo(file).LinkTarget is not null)
            {
                continue;
            }

            files++;
            Assert.False(File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0, $"the secret was found in {file}");
        }

        return files;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
