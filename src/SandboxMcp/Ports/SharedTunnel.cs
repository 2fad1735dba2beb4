using Microsoft.Extensions.Logging;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>
/// The one <see cref="TunnelMux"/> of a forward: started by the first connection that needs it, replaced by the next
/// connection after it died, and ended with the forward.
/// </summary>
internal sealed class SharedTunnel(IProcessLauncher launcher, int port, string name, ILogger logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private TunnelMux? _current;
    private long _started;
    private bool _disposed;

    /// <summary>Mux processes started so far (1 while the first one lives).</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>A new connection on the live mux, starting one first when there is none.</summary>
    public async Task<ISandboxProcess> OpenAsync(CancellationToken cancellationToken)
    {
        var mux = Volatile.Read(ref _current);
        if (mux is null || !mux.IsAlive)
        {
            mux = await StartAsync(cancellationToken);
        }

        return mux.Open();
    }

    private async Task<TunnelMux> StartAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is { IsAlive: true } live)
            {
                return live;
            }

            if (_current is { } dead)
            {
                await dead.DisposeAsync();
            }

            var started = await TunnelMux.StartAsync(launcher, port, name, logger, cancellationToken);
            Interlocked.Increment(ref _started);
            Volatile.Write(ref _current, started);
            return started;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync();
        try
        {
            _disposed = true;
            if (_current is { } mux)
            {
                await mux.DisposeAsync();
            }
        }
        finally
        {
            _lock.Release();
        }
    }
}
