using System.Net;
using System.Net.Sockets;
using System.Text;
using SandboxMcp.Network;
using SandboxMcp.Tests.Ports;

namespace SandboxMcp.Tests.Network;

/// <summary>The proxy with real sockets: a unix listener as in bubblewrap, local TCP servers as the allowed hosts.</summary>
public sealed class AllowlistProxyTests : IAsyncDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sbx-proxy-");
    private readonly ListLogger _log = new();
    private AllowlistProxy? _proxy;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }

    private AllowlistProxy CreateSut(TimeSpan? headTimeout = null, params string[] hosts) =>
        _proxy = AllowlistProxy.ListenUnix(Path.Combine(_dir.FullName, "proxy.sock"), "web", HostAllowlist.Parse(hosts.Length == 0 ? ["localhost"] : hosts), _log, headTimeout);

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(_proxy!.LocalEndPoint, Ct);
        return socket;
    }

    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await socket.ReceiveAsync(one, Ct) == 1)
        {
            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    [Fact(Timeout = 15000)]
    public async Task Connect_AllowedHost_TunnelsBytesBothWaysWithHalfClose()
    {
        var sut = CreateSut();
        using var echo = Sockets.Listen(out var port);
        var served = EchoAsync(echo);
        using var client = await ConnectAsync();

        await client.SendAsync(Encoding.ASCII.GetBytes($"CONNECT localhost:{port} HTTP/1.1\r\nProxy-Authorization: Basic c3VwZXJzZWNyZXQ=\r\n\r\n"), Ct);
        var head = await ReadHeadAsync(client);
        await client.SendAsync(Encoding.ASCII.GetBytes("ping"), Ct);
        client.Shutdown(SocketShutdown.Send);
        var back = await Sockets.ReceiveToEndAsync(client, Ct);

        Assert.Equal("HTTP/1.1 200 Connection established\r\n\r\n", head);
        Assert.Equal("ping", back);
        Assert.Equal("ping", await served);
        Assert.Equal((1, 0), (sut.Counters.Allowed, sut.Counters.Denied));
        Assert.Equal(4, sut.Counters.BytesOut.Value);
        Assert.DoesNotContain("c3VwZXJzZWNyZXQ", _log.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15000)]
    public async Task Connect_HostNotAllowed_Gets403AndNothingIsConnected()
    {
        var sut = CreateSut(null, "github.com");
        using var server = Sockets.Listen(out var port);
        var accepted = server.AcceptSocketAsync(Ct).AsTask();
        using var client = await ConnectAsync();

        await client.SendAsync(Encoding.ASCII.GetBytes($"CONNECT localhost:{port} HTTP/1.1\r\n\r\n"), Ct);
        var response = await Sockets.ReceiveToEndAsync(client, Ct);

        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", response, StringComparison.Ordinal);
        Assert.Contains("X-Proxy-Error: blocked-by-allowlist", response, StringComparison.Ordinal);
        Assert.Contains("localhost is not in the network allowlist of sandbox 'web' (allowed: github.com)", response, StringComparison.Ordinal);
        Assert.Contains("\"allowedHosts\"", response, StringComparison.Ordinal);
        Assert.False(accepted.IsCompleted, "nothing may be connected for a denied host");
        Assert.Equal((0, 1), (sut.Counters.Allowed, sut.Counters.Denied));
        Assert.Equal(["localhost"], sut.Counters.RecentDenied);
    }

    [Fact(Timeout = 15000)]
    public async Task Get_AbsoluteUri_IsForwardedInOriginFormWithoutCredentials()
    {
        CreateSut();
        using var server = Sockets.Listen(out var port);
        var received = AnswerHttpAsync(server, "hello");
        using var client = await ConnectAsync();

        await client.SendAsync(Encoding.ASCII.GetBytes(
            $"GET http://user:pa55word@localhost:{port}/file?token=q-secret HTTP/1.1\r\nHost: localhost:{port}\r\nProxy-Authorization: Basic c3VwZXJzZWNyZXQ=\r\nAccept: */*\r\n\r\n"), Ct);
        var response = await Sockets.ReceiveToEndAsync(client, Ct);

        Assert.EndsWith("\r\n\r\nhello", response, StringComparison.Ordinal);
        Assert.Equal($"GET /file?token=q-secret HTTP/1.1\r\nHost: localhost:{port}\r\nAccept: */*\r\nConnection: close\r\n\r\n", await received);
        Assert.DoesNotContain("pa55word", _log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("q-secret", _log.Text, StringComparison.Ordinal);
        Assert.Contains("localhost", _log.Text, StringComparison.Ordinal);
    }

    [Theory(Timeout = 15000)]
    [InlineData("garbage\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [InlineData("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    public async Task Request_Malformed_Gets400AndTheConnectionCloses(string request, string statusLine)
    {
        CreateSut();
        using var client = await ConnectAsync();

        await client.SendAsync(Encoding.ASCII.GetBytes(request), Ct);
        var response = await Sockets.ReceiveToEndAsync(client, Ct);

        Assert.StartsWith(statusLine + "\r\n", response, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15000)]
    public async Task Request_OversizedHead_Gets431WhileTheClientIsStillSending()
    {
        CreateSut();
        using var client = await ConnectAsync();

        await client.SendAsync(Encoding.ASCII.GetBytes("GET http://localhost/ HTTP/1.1\r\nX-Big: " + new string('a', ProxyRequestParser.MaxHeadBytes + 10)), Ct);
        var head = await ReadHeadAsync(client);

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", head, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15000)]
    public async Task Request_PartialHeadThenSilence_Gets408AfterTheHeadTimeout()
    {
        CreateSut(TimeSpan.FromMilliseconds(300));
        using var client = await ConnectAsync();

        await client.SendAsync(Encoding.ASCII.GetBytes("CONNECT localhost:1 HTTP/1.1\r\n"), Ct);
        var response = await Sockets.ReceiveToEndAsync(client, Ct);

        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", response, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15000)]
    public async Task Connect_AllowedHostNotListening_Gets502()
    {
        var sut = CreateSut();
        int port;
        using (Sockets.Listen(out port))
        {
        }

        using var client = await ConnectAsync();
        await client.SendAsync(Encoding.ASCII.GetBytes($"CONNECT localhost:{port} HTTP/1.1\r\n\r\n"), Ct);
        var response = await Sockets.ReceiveToEndAsync(client, Ct);

        Assert.StartsWith("HTTP/1.1 502 Bad Gateway\r\n", response, StringComparison.Ordinal);
        Assert.Contains($"could not connect to localhost:{port}", response, StringComparison.Ordinal);
        Assert.Equal(1, sut.Counters.Failed);
    }

    [Fact(Timeout = 15000)]
    public async Task Dispose_RemovesTheSocketAndEndsOpenTunnels()
    {
        var sut = CreateSut();
        using var echo = Sockets.Listen(out var port);
        var served = EchoAsync(echo);
        using var client = await ConnectAsync();
        await client.SendAsync(Encoding.ASCII.GetBytes($"CONNECT localhost:{port} HTTP/1.1\r\n\r\n"), Ct);
        await ReadHeadAsync(client);

        await sut.DisposeAsync();
        var rest = await Sockets.ReceiveToEndAsync(client, Ct);

        Assert.Equal("", rest);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "proxy.sock")));
    }

    private static async Task<string> EchoAsync(TcpListener listener)
    {
        using var socket = await listener.AcceptSocketAsync(Ct);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, Ct)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            await socket.SendAsync(buffer.AsMemory(0, read), Ct);
        }

        socket.Shutdown(SocketShutdown.Send);
        return received.ToString();
    }

    private static async Task<string> AnswerHttpAsync(TcpListener listener, string body)
    {
        using var socket = await listener.AcceptSocketAsync(Ct);
        var head = await ReadHeadAsync(socket);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), Ct);
        socket.Shutdown(SocketShutdown.Send);
        return head;
    }
}
