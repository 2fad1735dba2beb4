using System.Diagnostics;
using System.Globalization;
using System.Text;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Transfer.Git;

/// <summary>
/// Runs <c>git clone</c> inside the sandbox as its own process (never through the persistent shell, whose state is
/// saved): the token travels only in that process's environment, and every line of output is scrubbed.
/// </summary>
public static class GitClone
{
    private const string PidThenExec = "echo $$; exec \"$@\"";
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Clones <paramref name="url"/> (validated) into the absolute <paramref name="target"/>.</summary>
    public static async Task<GitCloneResult> RunAsync(
        IProcessLauncher launcher,
        string url,
        string target,
        string? branch,
        string? token,
        TimeSpan timeout,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var scrubber = new SecretScrubber(GitCredentials.Secrets(token, url));
        var shown = scrubber.Scrub(GitUrl.Redact(url));
        List<string> argv = ["sh", "-c", PidThenExec, "sandbox-mcp-git", "git", "clone", "--progress"];
        if (branch is not null)
        {
            argv.AddRange(["--branch", branch]);
        }

        argv.AddRange(["--", url, target]);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await using var process = await launcher.StartAsync(new ProcessSpec(argv, GitCredentials.Environment(token)), cancellationToken);
        await process.StandardInput.DisposeAsync();
        var lines = new GitProgressLines(scrubber);
        progress?.Report($"cloning {shown} into {target}");
        var pid = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readOut = ReadPidAsync(process.StandardOutput, pid, deadline.Token);
        var exitCode = -1;
        try
        {
            await ReadProgressAsync(process.StandardError, lines, progress, deadline.Token);
            exitCode = await process.WaitForExitAsync(deadline.Token);
            await readOut;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await KillInsideAsync(launcher, pid.Task);
            process.Kill();
            await readOut;
            if (!cancellationToken.IsCancellationRequested)
            {
                throw new SandboxException($"git clone of {shown} timed out after {timeout.TotalSeconds:0} s and was stopped: give a longer timeout, or a shallower clone target. Last output:\n{lines.Tail()}");
            }

            throw;
        }

        if (exitCode != 0)
        {
            throw new SandboxException($"git clone of {shown} failed (exit {exitCode}):\n{lines.Tail()}");
        }

        var (checkedOut, commit) = await DescribeAsync(launcher, target, cancellationToken);
        return new GitCloneResult(shown, target, checkedOut, commit, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static async Task ReadProgressAsync(Stream stderr, GitProgressLines lines, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[4096];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var lastReport = 0L;
        var lastPhase = "";
        int read;
        while ((read = await stderr.ReadAsync(bytes, cancellationToken)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0);
            foreach (var line in lines.Feed(new string(chars, 0, count)))
            {
                var phase = GitProgressLines.Phase(line);
                var now = Stopwatch.GetTimestamp();
                if (progress is not null && (phase != lastPhase || line.EndsWith("done.", StringComparison.Ordinal) || Stopwatch.GetElapsedTime(lastReport, now) >= ReportInterval))
                {
                    progress.Report(line);
                    lastReport = now;
                    lastPhase = phase;
                }
            }
        }
    }

    /// <summary>Reads the pid line the wrapper prints (then drains the rest) and publishes it as soon as it is known.</summary>
    private static async Task ReadPidAsync(Stream stdout, TaskCompletionSource<int?> pid, CancellationToken cancellationToken)
    {
        try
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (line.Length < 32 && await stdout.ReadAsync(one, cancellationToken) == 1 && one[0] != (byte)'\n')
            {
                line.Append((char)one[0]);
            }

            pid.TrySetResult(int.TryParse(line.ToString().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null);
            await ProcessRunner.DrainAsync(stdout, new CappedOutput(0), cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            pid.TrySetResult(null);
        }
    }

    /// <summary>Kills git and its helpers inside the sandbox: killing the local engine client alone would leave them running.</summary>
    private static async Task KillInsideAsync(IProcessLauncher launcher, Task<int?> pidTask)
    {
        if (!pidTask.IsCompletedSuccessfully || await pidTask is not { } pid)
        {
            return;
        }

        using var cts = new CancellationTokenSource(KillTimeout);
        try
        {
            await launcher.RunAsync(new ProcessSpec(ShellScripts.KillTreeArgv(pid, includeRoot: true)), ReadOnlyMemory<byte>.Empty, 4096, cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SandboxException or IOException)
        {
            // Best effort: the local client is killed next either way.
        }
    }

    private static async Task<(string? Branch, string? Commit)> DescribeAsync(IProcessLauncher launcher, string target, CancellationToken cancellationToken)
    {
        var output = await launcher.RunAsync(new ProcessSpec(["git", "-C", target, "rev-parse", "--abbrev-ref", "HEAD", "HEAD"]), ReadOnlyMemory<byte>.Empty, 4096, cancellationToken);
        var lines = output.Stdout.Decode().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return output.ExitCode == 0 && lines.Length == 2 ? (lines[0], lines[1]) : (null, null);
    }
}
