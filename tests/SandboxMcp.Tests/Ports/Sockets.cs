using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SandboxMcp.Tests.Ports;

/// <summary>Loopback socket helpers for the forwarding tests.</summary>
internal static class Sockets
{
    /// <summary>A listener on a free loopback port.</summary>
    public static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>Receives to EOF as ASCII text.</summary>
    public static async Task<string> ReceiveToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int read;
        while ((read = await socket.ReceiveAsync(buffer, cancellationToken)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>A connected client socket and the server's accepted end of it.</summary>
    public static async Task<(Socket Client, Socket Accepted)> ConnectedPairAsync(CancellationToken cancellationToken)
    {
        using var listener = Listen(out _);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndpoint, cancellationToken);
        return (client, await listener.AcceptSocketAsync(cancellationToken));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after 20 s.</summary>
    public static async Task PollAsync(Func<bool> condition)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "the condition did not hold within 20 s");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
