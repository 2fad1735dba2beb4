using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Network;
using SandboxMcp.Runtimes.Policy;
using SandboxMcp.Shell;

namespace SandboxMcp.Runtimes.Bubblewrap;

public sealed partial class BubblewrapRuntime
{
    private static readonly TimeSpan BridgeReadyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BridgeRestartDelay = TimeSpan.FromSeconds(1);

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
        var (process, stderr) = StartBridge(handle, holder, argv);
        using (var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            ready.CancelAfter(BridgeReadyTimeout);
            try
            {
                while (!ProxyBridge.IsListening(holder.NamespacePid))
                {
                    if (process.HasExited)
                    {
                        throw new SandboxException($"The network allowlist's forwarder ({Path.GetFileName(argv[0])}) ended at once: {stderr.Decode().Trim()}");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(20), time, ready.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SandboxException($"The network allowlist's forwarder ({Path.GetFileName(argv[0])}) did not listen on 127.0.0.1:{ProxyBridge.Port} within {BridgeReadyTimeout.TotalSeconds:0} s.");
            }
        }

        holder.ProxyEnvironment = ProxyEnvironment.For(ProxyBridge.Port);
        _ = SuperviseBridgeAsync(handle, holder, argv);
    }

    private (LocalProcess Process, CappedOutput Stderr) StartBridge(RuntimeHandle handle, BubblewrapHolder holder, IReadOnlyList<string> argv)
    {
        var process = StartInside(handle, holder, new ProcessSpec(argv));
        var stderr = new CappedOutput(2048);
        _ = DrainQuietlyAsync(process.StandardOutput, new CappedOutput(0));
        _ = DrainQuietlyAsync(process.StandardError, stderr);
        var previous = holder.Bridge;
        holder.Bridge = process;
        if (previous is not null)
        {
            _ = previous.DisposeAsync().AsTask();
        }

        return (process, stderr);
    }

    /// <summary>Restarts the forwarder when it ends while its holder lives (a command killed it), a second later.</summary>
    private async Task SuperviseBridgeAsync(RuntimeHandle handle, BubblewrapHolder holder, IReadOnlyList<string> argv)
    {
        var token = _stopping.Token;
        try
        {
            while (holder.Bridge is { } bridge)
            {
                await bridge.WaitForExitAsync(token);
                if (!holder.IsAlive)
                {
                    return;
                }

                LogBridgeRestart(Path.GetFileName(handle.Id));
                await Task.Delay(BridgeRestartDelay, time, token);
                if (!holder.IsAlive)
                {
                    return;
                }

                StartBridge(handle, holder, argv);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException or SandboxException)
        {
            // The server is stopping, or the sandbox is gone (its holder disposed the forwarder under us).
        }
    }

    private static async Task DrainQuietlyAsync(Stream stream, CappedOutput sink)
    {
        try
        {
            await ProcessRunner.DrainAsync(stream, sink, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The forwarder's output only explains a failed start.
        }
    }

    /// <summary>The network as <c>status</c> states it for a sandbox with an allowlist.</summary>
    private string AllowlistNetwork(RuntimeHandle handle, SandboxPolicy policy)
    {
        var counters = proxies.Find(handle.Id)?.Counters.Summary() ?? "proxy not started yet by this server";
        return $"allowlist: only {string.Join(", ", policy.AllowedHosts)} (any port), through the server's filtering proxy "
            + $"(HTTP_PROXY and HTTPS_PROXY=http://127.0.0.1:{ProxyBridge.Port} inside; other hosts get 403; no other network, no DNS); {counters}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The network allowlist forwarder of sandbox {Sandbox} ended; restarting it")]
    private partial void LogBridgeRestart(string sandbox);
}
