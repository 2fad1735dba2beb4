using System.Net.Sockets;

namespace SandboxMcp.Common;

/// <summary>The accept loop of the server's own listeners (sandbox-ctl, the allowlist proxy): a bounded number served at once.</summary>
public static class BoundedAccept
{
    /// <summary>
    /// Accepts until <paramref name="cancellationToken"/> fires or the listener is closed. A connection that finds a
    /// free slot in <paramref name="slots"/> goes to <paramref name="serve"/>, which must release the slot when done;
    /// any other goes to <paramref name="refuse"/>, so a flood of connections costs the server nothing but the refusals.
    /// </summary>
    public static async Task RunAsync(Socket listener, SemaphoreSlim slots, Func<Socket, Task> serve, Func<Socket, Task> refuse, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = slots.Wait(0, CancellationToken.None) ? serve(client) : refuse(client);
        }
    }
}
