using SandboxMcp.Common;
using SandboxMcp.Shell;

namespace SandboxMcp.Runtimes;

/// <summary>
/// The forwarder inside a sandbox that carries its 127.0.0.1:3128 to the allowlist proxy's unix socket, kept running:
/// started through the runtime's own process primitive (nsenter on bubblewrap, exec on a container engine), listening
/// before the first command runs, and restarted a second later when it ends while its sandbox lives (a command killed it).
/// </summary>
internal sealed class ProxyForwarder : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly string _program;
    private readonly Func<CancellationToken, Task<ISandboxProcess>> _start;
    private readonly Func<CancellationToken, Task<bool>> _sandboxAlive;
    private readonly Action _onRestart;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private ISandboxProcess? _process;
    private volatile bool _ended;

    private ProxyForwarder(string program, Func<CancellationToken, Task<ISandboxProcess>> start, Func<CancellationToken, Task<bool>> sandboxAlive, Action onRestart, TimeProvider time)
    {
        _program = program;
        _start = start;
        _sandboxAlive = sandboxAlive;
        _onRestart = onRestart;
        _time = time;
    }

    /// <summary>True once it is no longer kept running (its sandbox ended, or it was disposed): the runtime starts a new one when needed.</summary>
    public bool HasEnded => _ended;

    /// <summary>
    /// Starts the forwarder and waits until <paramref name="isListening"/> says it listens (a <see cref="SandboxException"/>
    /// with its error output when it ends at once or takes too long), then supervises it.
    /// </summary>
    /// <param name="program">Its program's name, for errors.</param>
    /// <param name="start">Starts it once more in the sandbox.</param>
    /// <param name="isListening">True once something listens on the forwarder's port inside the sandbox.</param>
    /// <param name="sandboxAlive">True while the sandbox it runs in still exists, so a restart makes sense.</param>
    /// <param name="onRestart">Called (to log) before each restart.</param>
    /// <param name="time">The clock for its waits.</param>
    /// <param name="cancellationToken">Cancels the wait for it to listen.</param>
    public static async Task<ProxyForwarder> StartAsync(
        string program,
        Func<CancellationToken, Task<ISandboxProcess>> start,
        Func<CancellationToken, Task<bool>> isListening,
        Func<CancellationToken, Task<bool>> sandboxAlive,
        Action onRestart,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var forwarder = new ProxyForwarder(program, start, sandboxAlive, onRestart, time);
        try
        {
            await forwarder.WaitUntilListeningAsync(isListening, cancellationToken);
        }
        catch
        {
            await forwarder.DisposeAsync();
            throw;
        }

        _ = forwarder.SuperviseAsync();
        return forwarder;
    }

    /// <summary>Stops supervising it and ends it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ended && _stopping.IsCancellationRequested)
        {
            return;
        }

        _ended = true;
        await _stopping.CancelAsync();
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await process.DisposeAsync();
        }
    }

    private async Task WaitUntilListeningAsync(Func<CancellationToken, Task<bool>> isListening, CancellationToken cancellationToken)
    {
        var (process, stderr) = await StartOnceAsync(cancellationToken);
        using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        ready.CancelAfter(ReadyTimeout);
        try
        {
            while (!await isListening(ready.Token))
            {
                if (process.HasExited)
                {
                    throw new SandboxException($"The network allowlist's forwarder ({_program}) ended at once: {stderr.Decode().Trim()}");
                }

                await Task.Delay(PollInterval, _time, ready.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SandboxException($"The network allowlist's forwarder ({_program}) did not listen on 127.0.0.1:{ProxyBridge.Port} within {ReadyTimeout.TotalSeconds:0} s: {stderr.Decode().Trim()}");
        }
    }

    private async Task<(ISandboxProcess Process, CappedOutput Stderr)> StartOnceAsync(CancellationToken cancellationToken)
    {
        var process = await _start(cancellationToken);
        var stderr = new CappedOutput(2048);
        _ = ProcessRunner.DrainQuietlyAsync(process.StandardOutput, new CappedOutput(0));
        _ = ProcessRunner.DrainQuietlyAsync(process.StandardError, stderr);
        if (Interlocked.Exchange(ref _process, process) is { } previous)
        {
            _ = previous.DisposeAsync().AsTask();
        }

        if (_stopping.IsCancellationRequested)
        {
            // Disposed while starting: end the one just started too.
            await process.DisposeAsync();
            throw new OperationCanceledException(_stopping.Token);
        }

        return (process, stderr);
    }

    private async Task SuperviseAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (_process is { } process)
            {
                await process.WaitForExitAsync(token);
                if (!await _sandboxAlive(token))
                {
                    break;
                }

                _onRestart();
                await Task.Delay(RestartDelay, _time, token);
                if (!await _sandboxAlive(token))
                {
                    break;
                }

                await StartOnceAsync(token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException or SandboxException)
        {
            // The server is stopping, or the sandbox is gone (its runtime disposed the forwarder under us).
        }

        _ended = true;
    }
}
