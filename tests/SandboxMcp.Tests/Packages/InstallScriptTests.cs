using System.Diagnostics;
using SandboxMcp.Packages;

namespace SandboxMcp.Tests.Packages;

/// <summary>The install script run by a real sh, with fake package managers first on PATH.</summary>
public sealed class InstallScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sbx-install-").FullName;

    private string Bin => Path.Combine(_dir, "bin");

    private void Fake(string name, string body)
    {
        Directory.CreateDirectory(Bin);
        var path = Path.Combine(Bin, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(string scope, string manager, params string[] packages)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", InstallScript.Text, "sandbox-mcp-install", Path.Combine(_dir, "state", "install.log"), scope, manager }.Concat(packages))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PATH"] = Bin + ":/usr/bin:/bin";
        info.Environment["HOME"] = _dir;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact(Timeout = 15_000)]
    public async Task Auto_WithAptGet_InstallsWithAptAndReportsVersions()
    {
        Fake("apt-get", "echo \"apt-get $*\"");
        Fake("dpkg-query", "echo 1.6-2.1");
        Directory.CreateDirectory(Path.Combine(_dir, "lists"));

        var (code, stdout, _) = await RunAsync("system", "auto", "jq=1.6-2.1");

        Assert.Equal(0, code);
        Assert.Equal("manager apt\npkg jq 1.6-2.1\n", stdout);
        Assert.Contains("apt-get install -y --no-install-recommends jq=1.6-2.1", await File.ReadAllTextAsync(Path.Combine(_dir, "state", "install.log"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 15_000)]
    public async Task Apt_OnAUserScopeTier_IsRefusedBecauseItWouldChangeTheHost()
    {
        Fake("apt-get", "echo must-not-run; exit 99");

        var (code, _, stderr) = await RunAsync("user", "apt", "jq");

        Assert.Equal(2, code);
        Assert.Contains("would change the host", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15_000)]
    public async Task FailedInstall_ExitsWithTheManagersCodeAndShowsTheEndOfItsLog()
    {
        Fake("apt-get", "echo 'E: Unable to locate package nope' >&2; exit 100");

        var (code, _, stderr) = await RunAsync("system", "apt", "nope");

        Assert.Equal(100, code);
        Assert.Contains("E: Unable to locate package nope", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15_000)]
    public async Task Npm_OnAUserScopeTier_InstallsUnderTheSandboxHome()
    {
        // Every test fakes the manager it names: a real one would change this machine.
        Fake("npm", "case $1 in root) echo \"$HOME/.local/lib/node_modules\" ;; *) echo \"npm $*\" ;; esac");

        var (code, stdout, _) = await RunAsync("user", "npm", "typescript@5");

        Assert.Equal(0, code);
        Assert.Equal("manager npm\npkg typescript unknown\n", stdout);
        Assert.Contains($"npm install -g --no-fund --no-audit --prefix {_dir}/.local typescript@5", await File.ReadAllTextAsync(Path.Combine(_dir, "state", "install.log"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
