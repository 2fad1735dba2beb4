using System.Net;
using Microsoft.Extensions.Logging;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>
/// The forwards of one sandbox. The tunnel program, and whether the host reaches the sandbox's own address, are
/// probed once per sandbox, on the first expose. Disposing ends every forward: forwards live and die with their
/// sandbox (destroy, reset, recreate, shutdown).
/// </summary>
/// <param name="sandbox">Its name.</param>
/// <param name="launcher">Starts the tunnels in it.</param>
/// <param name="hostNetwork">True when the tier runs on the host's network (native); also found by the probe.</param>
/// <param name="networkAddress">The sandbox's own network address, if it has one (see <see cref="ISandboxRuntime.NetworkAddressAsync"/>).</param>
/// <param name="use">Marks the sandbox busy during connections.</param>
/// <param name="loggers">Loggers.</param>
/// <param name="time">The clock.</param>
public sealed class SandboxPorts(
    string sandbox,
    IProcessLauncher launcher,
    bool hostNetwork,
    Func<CancellationToken, Task<IPAddress?>> networkAddress,
    SandboxUse use,
    ILoggerFactory loggers,
    TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan RouteProbeTimeout = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<PortForward> _forwards = [];
    private (TunnelKind Kind, bool SharesHostNetwork)? _tunnel;
    private (IPAddress? Address, bool Probed) _address;
    private bool _disposed;

    /// <summary>The forwards now, by host port.</summary>
    public IReadOnlyList<PortForward> Forwards
    {
        get
        {
            lock (_forwards)
            {
                return [.. _forwards.OrderBy(f => f.HostPort)];
            }
        }
    }

    /// <summary>
    /// Forwards sandbox <paramref name="port"/> to the host. The same forward asked for again (same port, no or the
    /// same host port) is returned as it is.
    /// </summary>
    public async Task<ExposeResult> ExposeAsync(int port, int? hostPort, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Forwards.FirstOrDefault(f => f.Port == port && (hostPort is null || hostPort == f.HostPort)) is { } existing)
            {
                return new ExposeResult(existing.Info(), true, null);
            }

            // Probe before listening, so a sandbox without any tunnel program fails before a port is taken.
            _tunnel ??= hostNetwork ? (TunnelKind.Direct, true) : await TunnelCommand.ProbeAsync(launcher, cancellationToken);
            var (kind, sharesHostNetwork) = _tunnel.Value;

            // A sandbox on the host's network is reached the way its own tunnel would reach it, without the process.
            kind = sharesHostNetwork ? TunnelKind.Direct : kind;
            if (!sharesHostNetwork && !_address.Probed)
            {
                // A container on a bridge the host routes to is reached at its address, without a process per
                // connection (an engine exec costs ~0.2 s); rootless engines give addresses the host cannot reach.
                var address = await networkAddress(cancellationToken);
                _address = (address is not null && await DirectTunnel.IsRoutedAsync(address, port, RouteProbeTimeout, cancellationToken) ? address : null, true);
            }

            var bound = HostPortBinder.Bind(port, hostPort, sharesHostNetwork);
            var forward = new PortForward(sandbox, port, bound, kind, _address.Address, launcher, use, loggers.CreateLogger<PortForward>(), time.GetUtcNow());
            lock (_forwards)
            {
                _forwards.Add(forward);
            }

            return new ExposeResult(forward.Info(), false, bound.Reason);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Stops the forward on <paramref name="hostPort"/> and returns what it did; null when this sandbox has none there.</summary>
    public async Task<ForwardInfo?> UnexposeAsync(int hostPort)
    {
        PortForward? forward;
        lock (_forwards)
        {
            forward = _forwards.FirstOrDefault(f => f.HostPort == hostPort);
            if (forward is not null)
            {
                _forwards.Remove(forward);
            }
        }

        if (forward is null)
        {
            return null;
        }

        var info = forward.Info();
        await forward.DisposeAsync();
        return info with { OpenConnections = 0 };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<PortForward> forwards;
        lock (_forwards)
        {
            _disposed = true;
            forwards = [.. _forwards];
            _forwards.Clear();
        }

        await Task.WhenAll(forwards.Select(f => f.DisposeAsync().AsTask()));
    }
}
