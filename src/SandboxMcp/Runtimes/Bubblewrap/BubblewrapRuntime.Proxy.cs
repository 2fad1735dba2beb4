using Microsoft.Extensions.Logging;
using SandboxMcp.Network;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Bubblewrap;

public sealed partial class BubblewrapRuntime
{
    /// <summary>Starts (or finds) the sandbox's allowlist proxy; returns the directory of its socket, to bind into the holder.</summary>
    private string StartProxy(RuntimeHandle handle, SandboxPolicy policy)
    {
        proxies.EnsureUnix(handle.Id, Path.GetFileName(handle.Id), policy.AllowedHosts);
        return proxies.DirectoryFor(handle.Id);
    }

    /// <summary>
    /// Starts the forwarder inside the holder's network namespace and waits until it listens, so the first command
    /// already finds the proxy; then keeps it running for as long as the holder lives.
    /// </summary>
    private async Task StartBridgeAsync(RuntimeHandle handle, BubblewrapHolder holder, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        holder.Forwarder = await ProxyForwarder.StartAsync(
            Path.GetFileName(argv[0]),
            _ => Task.FromResult<ISandboxProcess>(StartInside(handle, holder, new ProcessSpec(argv))),
            _ => Task.FromResult(ProxyBridge.IsListening(holder.NamespacePid)),
            _ => Task.FromResult(holder.IsAlive),
            () => LogBridgeRestart(Path.GetFileName(handle.Id)),
            time,
            cancellationToken);
        holder.ProxyEnvironment = ProxyEnvironment.For(ProxyBridge.Port);
    }

    /// <summary>The network as <c>status</c> states it for a sandbox with an allowlist.</summary>
    private string AllowlistNetwork(RuntimeHandle handle, SandboxPolicy policy) => ProxyBridge.Describe(policy.AllowedHosts, proxies.Find(handle.Id));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The network allowlist forwarder of sandbox {Sandbox} ended; restarting it")]
    private partial void LogBridgeRestart(string sandbox);
}
