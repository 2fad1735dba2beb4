using System.Net.Sockets;
using System.Text;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>A one-connection echo server for tunnel tests: sends back what it gets, and half-closes after the peer did.</summary>
public static class EchoServer
{
    /// <summary>Accepts one connection on <paramref name="listener"/> (TCP or unix), echoes it to its end and returns what it received.</summary>
    public static async Task<string> EchoOnceAsync(Socket listener, CancellationToken cancellationToken)
    {
        using var socket = await listener.AcceptAsync(cancellationToken);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, cancellationToken)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            await socket.SendAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        socket.Shutdown(SocketShutdown.Send);
        return received.ToString();
    }
}
