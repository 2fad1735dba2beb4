using System.IO.Pipelines;
using System.Security.Cryptography;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Background;

/// <summary>
/// One start of a background process: the local end of its launch (the process itself on native, the engine
/// client otherwise), its pid inside the sandbox, and the pumps that carry its output into the ring.
/// </summary>
internal sealed class BackgroundRun : IAsyncDisposable
{
    private static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(2);
    private readonly ISandboxProcess _process;
    private readonly CancellationTokenSource _stopReading = new();
    private readonly Task _pumps;
    private int _killReason = -1;
    private int _disposed;

    private BackgroundRun(ISandboxProcess process, PipeReader stdout, PipeReader stderr, int pid, DateTimeOffset startedAt, LogRing ring)
    {
        _process = process;
        Pid = pid;
        StartedAt = startedAt;
        _pumps = Task.WhenAll(
            OutputPump.RunAsync(stdout, LogSource.Stdout, ring, _stopReading.Token),
            OutputPump.RunAsync(stderr, LogSource.Stderr, ring, _stopReading.Token));
    }

    /// <summary>The command's pid inside the sandbox; it leads its own process group.</summary>
    public int Pid { get; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Why the supervisor is ending it, once it decided to; null while nobody has.</summary>
    public ExitReason? KillReason => _killReason < 0 ? null : (ExitReason)_killReason;

    /// <summary>
    /// Launches <paramref name="command"/> in <paramref name="workDir"/> and waits for its pid. A launch that ends
    /// before it prints the pid (no such directory, no shell) is an error with what it wrote to stderr.
    /// </summary>
    public static async Task<BackgroundRun> StartAsync(
        IProcessLauncher launcher, string statePath, string workDir, string command, LogRing ring, TimeProvider time, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var tag = "__MCP_BG_" + RandomNumberGenerator.GetHexString(16, lowercase: true);
        var process = await launcher.StartAsync(new ProcessSpec(BackgroundScripts.LaunchArgv(statePath, workDir, tag, command)), cancellationToken);
        var stdout = PipeReader.Create(process.StandardOutput, OutputPump.ReaderOptions);
        var stderr = PipeReader.Create(process.StandardError, OutputPump.ReaderOptions);
        int? pid = null;
        try
        {
            await process.StandardInput.DisposeAsync();
            using var timeout = new CancellationTokenSource(startTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            pid = await OutputPump.ReadPidLineAsync(stdout, tag, linked.Token);
            if (pid is { } started)
            {
                return new BackgroundRun(process, stdout, stderr, started, time.GetUtcNow(), ring);
            }

            var errors = new CappedOutput(4096);
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            await ProcessRunner.DrainAsync(process.StandardError, errors, drain.Token);
            var exit = process.HasExited ? $" (exit code {await process.WaitForExitAsync(drain.Token)})" : "";
            var text = errors.Decode().Trim();
            throw new SandboxException($"The background process could not start{exit}: {(text.Length > 0 ? text : "no output")}. Check the command and workdir.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SandboxException($"The background process did not start within {startTimeout.TotalSeconds:0} s: the sandbox may be overloaded; try again.");
        }
        finally
        {
            if (pid is null)
            {
                await stdout.CompleteAsync();
                await stderr.CompleteAsync();
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>Records why the supervisor ends this run; the first reason wins.</summary>
    public bool MarkKilled(ExitReason reason) => Interlocked.CompareExchange(ref _killReason, (int)reason, -1) == -1;

    /// <summary>
    /// Waits until the command ended and returns its exit code (as its launch reported it), after the output
    /// written before the end is in the ring.
    /// </summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        var exitCode = await _process.WaitForExitAsync(cancellationToken);
        // A child left running in the background may hold the pipes open: read what came, then stop waiting.
        if (await Task.WhenAny(_pumps, Task.Delay(OutputDrain, cancellationToken)) != _pumps)
        {
            await _stopReading.CancelAsync();
        }

        return exitCode;
    }

    /// <summary>True once the local end has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _process.DisposeAsync();
        await _stopReading.CancelAsync();
        await _pumps;
        // _stopReading is not disposed: WaitForExitAsync may still cancel it, and it holds no timer.
    }
}
