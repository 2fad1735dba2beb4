using System.Globalization;
using SandboxMcp.Common;
using SandboxMcp.Ports;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    private static readonly TimeSpan NetworkProbeTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Forwards <paramref name="port"/> of sandbox <paramref name="name"/> to 127.0.0.1 on the host: on
    /// <paramref name="hostPort"/>, or on the same number (the next free one when taken).
    /// </summary>
    public Task<ExposeResult> ExposeAsync(string name, int port, int? hostPort, CancellationToken cancellationToken)
    {
        HostPortBinder.Validate(port, "port");
        if (hostPort is { } requested)
        {
            HostPortBinder.Validate(requested, "host_port");
        }

        return UseAsync(name, async sandbox =>
        {
            if (hostPort is { } wanted && AllForwards().FirstOrDefault(f => f.HostPort == wanted) is { } holder && !(holder.Sandbox == name && holder.Port == port))
            {
                throw new SandboxException($"Host port {wanted} already forwards sandbox '{holder.Sandbox}' port {holder.Port}: unexpose it first, or choose another host_port (or leave it out to get a free one).");
            }

            var since = time.GetUtcNow();
            var result = await sandbox.Ports.ExposeAsync(port, hostPort, cancellationToken);
            sandbox.Audit("expose", $"port {port} on 127.0.0.1:{result.Forward.HostPort}", since, null, null);
            return result;
        }, cancellationToken);
    }

    /// <summary>Stops the forward listening on <paramref name="hostPort"/> and closes its connections.</summary>
    public async Task<ForwardInfo> UnexposeAsync(int hostPort, CancellationToken cancellationToken)
    {
        HostPortBinder.Validate(hostPort, "host_port");
        await _ready.Task.WaitAsync(cancellationToken);
        foreach (var sandbox in _sandboxes.Values)
        {
            if (await sandbox.Ports.UnexposeAsync(hostPort) is { } stopped)
            {
                sandbox.Audit("unexpose", $"port {stopped.Port} from 127.0.0.1:{hostPort}", time.GetUtcNow(), null, null);
                return stopped;
            }
        }

        var existing = AllForwards().ToList();
        throw new SandboxException(existing.Count == 0
            ? $"Nothing is forwarded on host port {hostPort}: this server has no forwards (expose creates one)."
            : $"Nothing is forwarded on host port {hostPort}. Forwards: {string.Join(", ", existing.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.HostPort} -> {f.Sandbox}:{f.Port}")))}.");
    }

    /// <summary>This server's forwards, and the network of every sandbox of the state directory with who reaches whom.</summary>
    public async Task<NetworkInfo> NetworkInfoAsync(CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        var forwards = AllForwards().Select(f => f.Info()).ToList();
        var records = (await state.ReadAsync(cancellationToken)).Sandboxes.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var networks = await Task.WhenAll(records.Select(r => ProbeNetworkAsync(r, cancellationToken)));
        return new NetworkInfo(forwards, NetworkProbe.Connect(networks));
    }

    private IEnumerable<PortForward> AllForwards() =>
        _sandboxes.Values.SelectMany(s => s.Ports.Forwards).OrderBy(f => f.HostPort);

    private async Task<SandboxNetwork> ProbeNetworkAsync(SandboxRecord record, CancellationToken cancellationToken)
    {
        var network = record.Spec.Network switch
        {
            NetworkMode.None => "none",
            NetworkMode.Allowlist => "allowlist",
            _ => "default",
        };
        SandboxNetwork Result(NetworkProbe.Reading? reading, string? detail) =>
            new(record.Name, record.Spec.Tier.ToName(), network, reading?.Addresses ?? [], reading?.Subnets ?? [], reading?.Namespace, [], detail);

        if (catalog.ByName(record.Handle.Runtime) is not { } runtime)
        {
            return Result(null, $"this server has no '{record.Handle.Runtime}' runtime");
        }

        var launcher = _sandboxes.TryGetValue(record.Name, out var local)
            ? local.Launcher
            : new SandboxLauncher(runtime, record.Handle, () => specs.Environment(record.Name));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(NetworkProbeTimeout);
        try
        {
            return Result(await NetworkProbe.ReadAsync(launcher, cts.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(null, $"no answer within {NetworkProbeTimeout.TotalSeconds:0} s");
        }
        catch (SandboxException ex)
        {
            return Result(null, ex.Message);
        }
    }
}
