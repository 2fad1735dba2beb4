using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// The network allowlist on the vm tier, as on bubblewrap: the container has no network (<c>--network none</c>), the
/// proxy's socket directory is mounted read-only at <see cref="ProxyBridge.Mount"/>, every process gets the proxy
/// variables, and a forwarder started through <c>exec</c> carries its 127.0.0.1:3128 to the socket.
/// </summary>
public sealed partial class ContainerRuntime
{
    /// <summary>Handle property: the allowlist's patterns, comma-separated, on a sandbox that has one.</summary>
    public const string AllowedHostsProperty = "allowedHosts";

    /// <summary>Handle property: the sandbox's name, for the proxy's refusals (the handle's id is the container's name).</summary>
    public const string SandboxProperty = "sandbox";

    private readonly ConcurrentDictionary<string, Task<ProxyForwarder>> _forwarders = new(StringComparer.Ordinal);
    private readonly Lock _forwarderGate = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>True when this engine can run a sandbox whose only way out is the allowlist proxy.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(_proxies))]
    private bool HasAllowlist => _cli.SupportsNoNetwork && _proxies is not null;

    /// <summary>The allowlist recorded in a handle, or null.</summary>
    private static string[]? AllowedHostsOf(RuntimeHandle handle) =>
        handle.Properties?.GetValueOrDefault(AllowedHostsProperty) is { Length: > 0 } hosts ? hosts.Split(',') : null;

    /// <summary>
    /// For <c>create</c> with an allowlist: the hosts, normalized, and the proxy's socket directory (a lasting one:
    /// the container's mount outlives this server), with the proxy started.
    /// </summary>
    private (List<string> Hosts, string Directory) PrepareAllowlist(SandboxSpec spec, string container)
    {
        if (!HasAllowlist)
        {
            throw new SandboxException(
                $"The vm tier on {Name} has no network allowlist ({Name} cannot run a container without network): use engine podman or docker, or tier \"seatbelt\", for allowedHosts.");
        }

        var hosts = PolicyBuilder.AllowedHosts(spec.AllowedHosts);
        _proxies.EnsureUnix(container, spec.Name, hosts, lasting: true);
        return (hosts, _proxies.LastingDirectoryFor(container));
    }

    /// <summary>
    /// The container's forwarder, started when this server has none running yet (first use, after a server restart,
    /// or after the container was stopped): callers share one start, a failed start is retried by the next caller.
    /// </summary>
    private Task<ProxyForwarder> EnsureForwarderAsync(RuntimeHandle handle, IReadOnlyList<string> hosts, CancellationToken cancellationToken)
    {
        Task<ProxyForwarder> task;
        lock (_forwarderGate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_forwarders.TryGetValue(handle.Id, out var known) && (!known.IsCompleted || (known.IsCompletedSuccessfully && !known.Result.HasEnded)))
            {
                task = known;
            }
            else
            {
                task = StartForwarderAsync(handle, hosts);
                _forwarders[handle.Id] = task;
            }
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<ProxyForwarder> StartForwarderAsync(RuntimeHandle handle, IReadOnlyList<string> hosts)
    {
        var sandbox = handle.Properties?.GetValueOrDefault(SandboxProperty) ?? handle.Id;
        _proxies!.EnsureUnix(handle.Id, sandbox, hosts, lasting: true);
        var argv = ProxyBridge.ContainerArgv();
        return await ProxyForwarder.StartAsync(
            argv[0],
            _ => Task.FromResult<ISandboxProcess>(StartExec(handle, new ProcessSpec(argv))),
            async token => ProxyBridge.ListensIn((await new BoundLauncher(this, handle, Raw: true)
                .RunAsync(new ProcessSpec(ProxyBridge.ListeningCheckArgv()), ReadOnlyMemory<byte>.Empty, 256 * 1024, token)).Stdout.Decode().Split('\n')),
            async token => await InspectContainerAsync(handle.Id, token) is { IsRunning: true },
            () => LogForwarderRestart(sandbox),
            _time,
            _stopping.Token);
    }

    /// <summary>Ends the sandbox's forwarder and proxy (destroy, reset).</summary>
    private async Task StopAllowlistAsync(RuntimeHandle handle)
    {
        if (_forwarders.TryRemove(handle.Id, out var forwarder))
        {
            await Started.EndAsync(forwarder);
        }

        if (_proxies is not null)
        {
            await _proxies.StopAsync(handle.Id);
        }
    }

    /// <summary>The network as <c>status</c> states it for a sandbox with an allowlist.</summary>
    private string AllowlistNetwork(RuntimeHandle handle, IReadOnlyList<string> hosts) => ProxyBridge.Describe(hosts, _proxies?.Find(handle.Id));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The network allowlist forwarder of sandbox {Sandbox} ended; restarting it")]
    private partial void LogForwarderRestart(string sandbox);
}
