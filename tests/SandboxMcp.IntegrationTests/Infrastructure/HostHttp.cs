using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>A tiny HTTP/1.1 server on the host that answers every request with one body, for the network allowlist tests.</summary>
public sealed class HostHttp : IDisposable
{
    private readonly TcpListener _listener;
    private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostHttp(TcpListener listener) => _listener = listener;

    /// <summary>Fetches a URL with Python's urllib (which reads http_proxy), printing "STATUS BODY" or "failed REASON".</summary>
    public static string FetchCommand(string url) =>
        "env -u NO_PROXY -u no_proxy python3 -c '"
        + "import sys, urllib.request, urllib.error\n"
        + "try:\n"
        + "    r = urllib.request.urlopen(sys.argv[1], timeout=10); print(r.status, r.read().decode())\n"
        + "except urllib.error.HTTPError as e:\n"
        + "    print(e.code, e.read().decode().strip())\n"
        + "except Exception as e:\n"
        + "    print(\"failed\", e)\n"
        + $"' '{url}'";

    /// <summary>The head of the first request it received.</summary>
    public Task<string> FirstRequest => _first.Task;

    /// <summary>Listens on <paramref name="address"/> (the host's 127.0.0.1 unless given) and answers <paramref name="connections"/> requests.</summary>
    public static HostHttp Start(string body, out int port, int connections = 1, IPAddress? address = null)
    {
        var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = new HostHttp(listener);
        _ = server.ServeAsync(body, connections);
        return server;
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private async Task ServeAsync(string body, int connections)
    {
        try
        {
            for (var i = 0; i < connections; i++)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
                {
                    head.Append((char)buffer[0]);
                }

                _first.TrySetResult(head.ToString());
                var bytes = Encoding.UTF8.GetBytes(body);
                var response = $"HTTP/1.1 200 OK\r\nContent-Length: {bytes.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
                await stream.WriteAsync(bytes);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Disposed by the test.
        }
    }
}
