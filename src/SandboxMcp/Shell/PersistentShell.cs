using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Shell;

/// <summary>
/// A long-lived <c>sh</c> in one sandbox. Commands run one at a time and keep <c>cd</c> and <c>export</c>, as in
/// a terminal; each ends with fresh nonce markers on stdout and stderr. A timeout kills the command's process
/// tree inside the sandbox; a shell that ended (<c>exit 3</c>) is replaced on the next call with the same
/// working directory and exported variables.
/// </summary>
public sealed partial class PersistentShell(IProcessLauncher launcher, ShellOptions options, ILogger logger, TimeProvider time) : IAsyncDisposable
{
    private const int TimedOutExitCode = 124;
    private static readonly TimeSpan KillTreeTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ShellSession? _session;
    private volatile bool _disposed;

    /// <summary>The shell's working directory after the last command; null before the first.</summary>
    public string? WorkingDirectory => _session?.WorkingDirectory ?? LastWorkingDirectory;

    /// <summary>The shell's pid inside the sandbox, when one is running.</summary>
    public int? ShellPid => _session is { IsUsable: true } s ? s.ShellPid : null;

    private string? LastWorkingDirectory { get; set; }

    /// <summary>Runs <paramref name="command"/> and returns its output, exit code and duration.</summary>
    /// <param name="command">Shell text; reaches the shell quoted, so it cannot break the protocol.</param>
    /// <param name="workDir">Directory for this command only; null runs in the shell's current directory.</param>
    /// <param name="timeout">After this the command's process tree is killed and the result says it timed out.</param>
    /// <param name="cancellationToken">Cancels the call; the command is killed as on timeout.</param>
    public async Task<ShellResult> RunAsync(string command, string? workDir, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await RunLockedAsync(command, workDir, timeout, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the running shell; the next command starts a fresh one.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EndSessionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ShellResult> RunLockedAsync(string command, string? workDir, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var session = await EnsureSessionAsync(cancellationToken);
        var nonce = ShellSession.NewNonce();
        var line = ShellScripts.CommandLine(command, workDir, nonce);
        var started = time.GetTimestamp();
        try
        {
            await session.WriteAsync(line, cancellationToken);
        }
        catch (IOException)
        {
            // The shell died since the last command (killed, or its sandbox restarted): one fresh try.
            await EndSessionAsync();
            session = await EnsureSessionAsync(cancellationToken);
            started = time.GetTimestamp();
            await session.WriteAsync(line, cancellationToken);
        }

        var stdout = new CappedOutput(options.MaxOutputBytes);
        var stderr = new CappedOutput(options.MaxOutputBytes);
        var markers = session.ReadMarkersAsync(Encoding.ASCII.GetBytes(nonce), stdout, stderr);
        var timedOut = false;
        try
        {
            await markers.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            timedOut = true;
            await InterruptAsync(session, markers);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await InterruptAsync(session, markers);
            throw;
        }

        var (found, trailer) = await markers;
        var duration = time.GetElapsedTime(started);
        int exitCode;
        if (found && int.TryParse(trailer.Status, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var status))
        {
            exitCode = status;
            session.WorkingDirectory = trailer.WorkingDirectory ?? session.WorkingDirectory;
        }
        else
        {
            // No marker: the command ended the shell. Its exit status is the shell's.
            exitCode = await session.ExitCodeAsync(TimeSpan.FromSeconds(2)) ?? -1;
            await EndSessionAsync();
        }

        return new ShellResult(
            timedOut ? TimedOutExitCode : exitCode,
            stdout.Decode(),
            stderr.Decode(),
            stdout.DroppedBytes,
            stderr.DroppedBytes,
            duration,
            timedOut,
            ShellExited: !found,
            WorkingDirectory);
    }

    private async Task<ShellSession> EnsureSessionAsync(CancellationToken cancellationToken)
    {
        if (_session is { IsUsable: true } session)
        {
            return session;
        }

        await EndSessionAsync();
        try
        {
            _session = await ShellSession.StartAsync(launcher, options, cancellationToken);
        }
        catch (SandboxException ex) when (ex is not ShellStartException)
        {
            // The runtime could not start a process at all (directory or container gone).
            throw new ShellStartException(ex.Message, ex);
        }

        LogShellStarted(_session.ShellPid, _session.WorkingDirectory);
        return _session;
    }

    /// <summary>
    /// Kills what the command started inside the sandbox (killing the local engine client is not enough),
    /// then, if the shell itself is stuck in a builtin loop, the shell.
    /// </summary>
    private async Task InterruptAsync(ShellSession session, Task markers)
    {
        await KillTreeAsync(session.ShellPid, includeRoot: false);
        try
        {
            await markers.WaitAsync(options.MarkerGrace, time);
            return;
        }
        catch (TimeoutException)
        {
            LogShellStuck(session.ShellPid);
        }

        await KillTreeAsync(session.ShellPid, includeRoot: true);
        session.Process.Kill();
        session.Fail();
        await markers;
    }

    private async Task KillTreeAsync(int pid, bool includeRoot)
    {
        using var cts = new CancellationTokenSource(KillTreeTimeout);
        try
        {
            await using var killer = await launcher.StartAsync(new ProcessSpec(ShellScripts.KillTreeArgv(pid, includeRoot)), cts.Token);
            await killer.StandardInput.DisposeAsync();
            await killer.WaitForExitAsync(cts.Token);
        }
#pragma warning disable CA1031 // The kill is best effort: the shell is killed locally next whatever happened here.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogKillTreeFailed(ex, pid);
        }
    }

    private async Task EndSessionAsync()
    {
        if (_session is { } session)
        {
            LastWorkingDirectory = session.WorkingDirectory;
            _session = null;
            await session.DisposeAsync();
        }
    }

    /// <summary>
    /// Ends the shell. A command still running (server shutdown, sandbox destroyed) is killed with its process
    /// tree rather than waited for: shutdown must not take as long as the longest timeout.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (!await _gate.WaitAsync(TimeSpan.Zero))
        {
            if (_session is { } busy)
            {
                await KillTreeAsync(busy.ShellPid, includeRoot: true);
                busy.Process.Kill();
                busy.Fail();
            }

            await _gate.WaitAsync();
        }

        try
        {
            await EndSessionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shell started: pid {Pid} in {WorkingDirectory}")]
    private partial void LogShellStarted(int pid, string? workingDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shell {Pid} did not finish after its command's children were killed; killing the shell")]
    private partial void LogShellStuck(int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not kill the process tree of {Pid} inside the sandbox")]
    private partial void LogKillTreeFailed(Exception exception, int pid);
}
