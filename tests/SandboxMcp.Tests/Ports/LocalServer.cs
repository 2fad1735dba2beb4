using System.Net;
using System.Net.Sockets;

namespace SandboxMcp.Tests.Ports;

/// <summary>A loopback TCP server for the mux tests, each connection handled by <c>handler</c> until it returns.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LocalServer(Func<Socket, CancellationToken, Task> handler, IPAddress? address = null)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start(256);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(handler);
    }

    public int Port { get; }

    /// <summary>Reads to EOF, then answers <c>len:N\n</c> and the bytes reversed: a reply only after the client's half-close.</summary>
    public static LocalServer Echo() => new(async (socket, ct) =>
    {
        var received = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, ct)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        await socket.SendAsync(Expected(received.ToArray()), ct);
        socket.Shutdown(SocketShutdown.Send);
    });

    public static byte[] Expected(byte[] payload) => [.. System.Text.Encoding.ASCII.GetBytes($"len:{payload.Length}\n"), .. payload.Reverse()];

    private async Task AcceptAsync(Func<Socket, CancellationToken, Task> handler)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    try
                    {
                        await handler(socket, _stop.Token);
                    }
                    catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
                    {
                        // The test ended the connection.
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
