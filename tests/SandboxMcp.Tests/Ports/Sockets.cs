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
}
