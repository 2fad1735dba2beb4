using System.Globalization;
using System.Net.Sockets;
using System.Text;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Ports;

/// <summary>
/// expose / unexpose / network_info end to end: servers started inside the sandbox, reached from the host through
/// the forward with real sockets. Each tier derives with its configuration.
/// </summary>
public abstract class PortForwardingTests : ServerTest
{
    /// <summary>Reads a connection to its end, then answers <c>len:N\n</c> and the bytes reversed: a reply only after the client's FIN.</summary>
    private const string EchoServer = """
        import socketserver, sys
        class H(socketserver.BaseRequestHandler):
            def handle(self):
                parts = []
                while True:
                    b = self.request.recv(65536)
                    if not b:
                        break
                    parts.append(b)
                data = b"".join(parts)
                self.request.sendall(b"len:%d\n" % len(data) + data[::-1])
        class S(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True
            request_queue_size = 256
        S((sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1", int(sys.argv[1])), H).serve_forever()
        """;

    /// <summary>Counts the mux processes in the sandbox by their command line (the bracket keeps grep from counting itself).</summary>
    private const string CountMuxProcesses = "grep -l 'sandbox-mcp-mu[x]' /proc/[0-9]*/cmdline 2>/dev/null | wc -l";

    [Fact(Timeout = 120_000)]
    public async Task Expose_BgHttpServerInSandbox_IsReachedFromTheHostWithHttpClient()
    {
        var port = FreshPort();
        var token = Guid.NewGuid().ToString("N");
        await Server.CallOkAsync("write_file", new { path = "site/hello.txt", content = token }, Ct);
        var started = await Server.CallOkAsync("bg", new { command = $"python3 -m http.server {port} --bind 127.0.0.1", workdir = "site" }, Ct);
        await WaitListeningAsync(port);

        var exposed = await Server.CallOkAsync("expose", new { port }, Ct);
        var hostPort = HostPortOf(exposed);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{hostPort}/hello.txt"), Ct);
        var info = await Server.CallOkAsync("network_info", null, Ct);

        Assert.Equal(token, body);
        Assert.StartsWith("bg-", started.Get("id"), StringComparison.Ordinal);
        var forward = Assert.Single(info.Structured.GetProperty("forwards").EnumerateArray());
        Assert.Equal(hostPort, forward.GetProperty("host_port").GetInt32());
        Assert.Equal(port, forward.GetProperty("port").GetInt32());
        Assert.True(forward.GetProperty("connections").GetInt64() >= 1, info.Text);
        Assert.True(forward.GetProperty("bytes_from_sandbox").GetInt64() > token.Length, info.Text);
        Assert.Equal(0, forward.GetProperty("failed_connections").GetInt64());
    }

    [Fact(Timeout = 300_000)]
    public async Task Expose_HundredConcurrentConnections_EachGetsItsOwnBytes()
    {
        var port = FreshPort();
        var hostPort = await ExposeEchoServerAsync(port);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            var payload = Encoding.ASCII.GetBytes($"connection {i} " + new string((char)('a' + (i % 26)), 1000 + (i * 37)));
            return (payload, reply: await RoundTripAsync(hostPort, payload));
        }));

        foreach (var (payload, reply) in results)
        {
            Assert.Equal(Expected(payload), reply);
        }

        var info = await Server.CallOkAsync("network_info", null, Ct);
        var forward = Assert.Single(info.Structured.GetProperty("forwards").EnumerateArray());
        Assert.Equal(100, forward.GetProperty("connections").GetInt64());
        Assert.Equal(0, forward.GetProperty("failed_connections").GetInt64());

        // A hundred connections arriving at once still start one tunnel process between them.
        Assert.Equal(SharesTheHostNetwork ? 0 : 1, forward.GetProperty("tunnel_processes").GetInt64());
        Assert.Equal(results.Sum(r => (long)r.payload.Length), forward.GetProperty("bytes_to_sandbox").GetInt64());
    }

    [Fact(Timeout = 120_000)]
    public async Task Expose_ClientShutsDownItsSide_StillReceivesTheFullReply()
    {
        var hostPort = await ExposeEchoServerAsync(FreshPort());
        var payload = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(payload);

        var reply = await RoundTripAsync(hostPort, payload);

        Assert.Equal(Expected(payload), reply);
    }

    [Fact(Timeout = 120_000)]
    public async Task Expose_ServerClosesFirst_ClientSeesTheEndWhileItsOwnSideIsOpen()
    {
        const string greeter = """
            import socket, sys
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(sys.argv[1])))
            s.listen(16)
            while True:
                c, _ = s.accept()
                c.sendall(b"hello and goodbye")
                c.close()
            """;
        var port = FreshPort();
        await StartInSandboxAsync($"python3 -c {Quote(greeter)} {port}", port);
        var hostPort = HostPortOf(await Server.CallOkAsync("expose", new { port }, Ct));

        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, hostPort, Ct);
        var reply = new MemoryStream();
        await client.GetStream().CopyToAsync(reply, Ct);

        Assert.Equal("hello and goodbye", Encoding.ASCII.GetString(reply.ToArray()));
    }

    [Fact(Timeout = 120_000)]
    public async Task Expose_OccupiedHostPort_IsAnErrorAndNothingIsShared()
    {
        using var occupant = new TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;

        var error = await Server.CallErrorAsync("expose", new { port = FreshPort(), host_port = taken }, Ct);
        var outOfRange = await Server.CallErrorAsync("expose", new { port = 70000 }, Ct);
        var info = await Server.CallOkAsync("network_info", null, Ct);

        Assert.Contains($"Host port {taken} is already in use", error, StringComparison.Ordinal);
        Assert.Contains("1 to 65535", outOfRange, StringComparison.Ordinal);
        Assert.Empty(info.Structured.GetProperty("forwards").EnumerateArray());
    }

    [Fact(Timeout = 120_000)]
    public async Task Expose_DefaultHostPortTaken_TakesTheNextFreeOneAndSaysSo()
    {
        var port = FreshPort();
        using var occupant = new TcpListener(System.Net.IPAddress.Loopback, port);
        occupant.Start();

        var exposed = await Server.CallOkAsync("expose", new { port }, Ct);

        Assert.Equal(port + 1, HostPortOf(exposed));
        // Native sandboxes share the host's network, so the note gives that reason instead of the occupant.
        Assert.Contains($"{port + 1}", exposed.Get("note"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Unexpose_ClosesTheListener_AndAnUnknownPortListsTheForwards()
    {
        var hostPort = await ExposeEchoServerAsync(FreshPort());
        Assert.Equal(Expected("before"u8.ToArray()), await RoundTripAsync(hostPort, "before"u8.ToArray()));
        var other = await Server.CallOkAsync("expose", new { port = FreshPort() }, Ct);
        var otherPort = HostPortOf(other);

        await Server.CallOkAsync("unexpose", new { host_port = hostPort }, Ct);
        var unknown = await Server.CallErrorAsync("unexpose", new { host_port = hostPort }, Ct);

        await AssertRefusedAsync(hostPort);
        Assert.Contains($"Nothing is forwarded on host port {hostPort}", unknown, StringComparison.Ordinal);
        Assert.Contains($"{otherPort} -> default:", unknown, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Destroy_EndsItsForwards()
    {
        var hostPort = await ExposeEchoServerAsync(FreshPort());
        Assert.Equal(Expected("x"u8.ToArray()), await RoundTripAsync(hostPort, "x"u8.ToArray()));

        await Server.CallOkAsync("destroy", new { sandbox = "default" }, Ct);
        var info = await Server.CallOkAsync("network_info", null, Ct);

        await AssertRefusedAsync(hostPort);
        Assert.Empty(info.Structured.GetProperty("forwards").EnumerateArray());
    }

    [Fact(Timeout = 120_000)]
    public async Task Reset_EndsItsForwards()
    {
        var hostPort = HostPortOf(await Server.CallOkAsync("expose", new { port = FreshPort() }, Ct));

        await Server.CallOkAsync("reset", new { sandbox = "default" }, Ct);
        var info = await Server.CallOkAsync("network_info", null, Ct);

        await AssertRefusedAsync(hostPort);
        Assert.Empty(info.Structured.GetProperty("forwards").EnumerateArray());
    }

    [Fact(Timeout = 120_000)]
    public async Task ServerShutdown_EndsItsForwards()
    {
        var hostPort = HostPortOf(await Server.CallOkAsync("expose", new { port = FreshPort() }, Ct));

        await Server.RestartAsync(new ServerOptions { Config = Config }, Ct);

        await AssertRefusedAsync(hostPort);
    }

    [Fact(Timeout = 120_000)]
    public async Task Expose_NothingListening_FailsThatConnectionOnlyAndCountsIt()
    {
        var port = FreshPort();
        var exposed = await Server.CallOkAsync("expose", new { port }, Ct);
        var hostPort = HostPortOf(exposed);

        var reply = await RoundTripAsync(hostPort, "anyone?"u8.ToArray(), tolerateReset: true);
        await StartInSandboxAsync($"python3 -c {Quote(EchoServer)} {port}", port);
        var after = await RoundTripAsync(hostPort, "now"u8.ToArray());
        var info = await Server.CallOkAsync("network_info", null, Ct);

        Assert.Empty(reply);
        Assert.Equal(Expected("now"u8.ToArray()), after);
        var forward = Assert.Single(info.Structured.GetProperty("forwards").EnumerateArray());
        Assert.Equal(1, forward.GetProperty("failed_connections").GetInt64());
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), forward.GetProperty("last_error").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Expose_ServerOnAllInterfaces_IsConnectedWithoutATunnelProcessWhereTheHostRoutesToTheSandbox()
    {
        var port = FreshPort();
        await StartInSandboxAsync($"python3 -c {Quote(EchoServer)} {port} 0.0.0.0", port);
        var hostPort = HostPortOf(await Server.CallOkAsync("expose", new { port }, Ct));

        var first = await RoundTripAsync(hostPort, "direct?"u8.ToArray());
        var second = await RoundTripAsync(hostPort, "again"u8.ToArray());
        var forward = Assert.Single((await Server.CallOkAsync("network_info", null, Ct)).Structured.GetProperty("forwards").EnumerateArray());

        Assert.Equal(Expected("direct?"u8.ToArray()), first);
        Assert.Equal(Expected("again"u8.ToArray()), second);
        Assert.Equal(2, forward.GetProperty("connections").GetInt64());
        Assert.Equal(ConnectsToAllInterfacesServersDirectly ? 2 : 0, forward.GetProperty("direct_connections").GetInt64());
    }

    [Fact(Timeout = 120_000)]
    public async Task Expose_ServerOnTheSandboxLoopbackOnly_IsReachedThroughOneMultiplexedTunnelUnlessTheSandboxSharesTheHostNetwork()
    {
        const int connections = 5;
        var port = FreshPort();
        var hostPort = await ExposeEchoServerAsync(port);

        for (var i = 0; i < connections; i++)
        {
            var payload = Encoding.ASCII.GetBytes($"lo {i}");
            Assert.Equal(Expected(payload), await RoundTripAsync(hostPort, payload));
        }

        var info = await Server.CallOkAsync("network_info", null, Ct);
        var forward = Assert.Single(info.Structured.GetProperty("forwards").EnumerateArray());
        Assert.Equal(SharesTheHostNetwork ? connections : 0, forward.GetProperty("direct_connections").GetInt64());
        if (SharesTheHostNetwork)
        {
            Assert.Equal(0, forward.GetProperty("tunnel_processes").GetInt64());
            return;
        }

        // Every connection rode the same tunnel process: the server says so, and the sandbox's own process table agrees.
        Assert.Contains("one multiplexed python3 tunnel", forward.GetProperty("tunnel").GetString(), StringComparison.Ordinal);
        Assert.Equal(connections, forward.GetProperty("tunnelled_connections").GetInt64());
        Assert.Equal(1, forward.GetProperty("tunnel_processes").GetInt64());
        Assert.Equal("1", (await Server.ExecAsync(CountMuxProcesses, cancellationToken: Ct)).Stdout.Trim());

        // The tunnel process ends with its forward.
        await Server.CallOkAsync("unexpose", new { host_port = hostPort }, Ct);
        var gone = await Server.ExecAsync($"for i in $(seq 200); do [ \"$({CountMuxProcesses})\" = 0 ] && exit 0; sleep 0.1; done; exit 1", timeout: 60, cancellationToken: Ct);
        Assert.True(gone.ExitCode == 0, "the tunnel process was still running in the sandbox 20 s after unexpose");
    }

    /// <summary>Whether the sandbox runs on the host's network (native): every connection is the server's own.</summary>
    protected virtual bool SharesTheHostNetwork => true;

    /// <summary>Whether the server connects itself to a server listening on all the sandbox's interfaces.</summary>
    protected virtual bool ConnectsToAllInterfacesServersDirectly => SharesTheHostNetwork;

    [Fact(Timeout = 180_000)]
    public async Task NetworkInfo_TwoSandboxes_HaveAddressesAndReachEachOther()
    {
        await Server.ExecAsync("true", sandbox: "one", cancellationToken: Ct);
        await Server.ExecAsync("true", sandbox: "two", cancellationToken: Ct);

        var info = await Server.CallOkAsync("network_info", null, Ct);

        var sandboxes = info.Structured.GetProperty("sandboxes").EnumerateArray().ToDictionary(s => s.GetProperty("sandbox").GetString()!);
        Assert.True(sandboxes.ContainsKey("one") && sandboxes.ContainsKey("two"), info.Text);
        if (!SandboxesShareANetwork)
        {
            // Each sandbox has a network namespace with loopback only: no address, nobody to reach.
            Assert.Empty(sandboxes["one"].GetProperty("addresses").EnumerateArray());
            Assert.Empty(sandboxes["one"].GetProperty("reaches").EnumerateArray());
            Assert.Empty(sandboxes["two"].GetProperty("reaches").EnumerateArray());
            return;
        }

        Assert.NotEmpty(sandboxes["one"].GetProperty("addresses").EnumerateArray());
        Assert.Contains("two", sandboxes["one"].GetProperty("reaches").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("one", sandboxes["two"].GetProperty("reaches").EnumerateArray().Select(r => r.GetString()));
    }

    /// <summary>Whether two sandboxes of this suite's configuration reach each other (false where network is denied).</summary>
    protected virtual bool SandboxesShareANetwork => true;

    /// <summary>
    /// A port for a server inside the sandbox; random, because native sandboxes share the host's ports, and below the
    /// kernel's ephemeral range (32768 and up), where the tests' own client sockets would now and then hold it.
    /// </summary>
    protected static int FreshPort() => Random.Shared.Next(20000, 32000);

    private async Task<int> ExposeEchoServerAsync(int port)
    {
        await StartInSandboxAsync($"python3 -c {Quote(EchoServer)} {port}", port);
        var exposed = await Server.CallOkAsync("expose", new { port }, Ct);
        return HostPortOf(exposed);
    }

    /// <summary>Starts <paramref name="command"/> detached in the sandbox and polls (with a deadline) until it listens.</summary>
    private async Task StartInSandboxAsync(string command, int port)
    {
        await Server.ExecAsync($"setsid nohup sh -c {Quote(command)} >/dev/null 2>&1 &", cancellationToken: Ct);
        await WaitListeningAsync(port);
    }

    /// <summary>Polls (with a deadline) from inside the sandbox until something listens on <paramref name="port"/>.</summary>
    private async Task WaitListeningAsync(int port)
    {
        var probe = $"python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), 1).close()'";
        var ready = await Server.ExecAsync($"for i in $(seq 200); do {probe} 2>/dev/null && exit 0; sleep 0.1; done; exit 1", timeout: 60, cancellationToken: Ct);
        Assert.True(ready.ExitCode == 0, $"the server on port {port} did not start listening within 20 s");
    }

    /// <summary>Connects, sends <paramref name="payload"/>, shuts down the send side and reads the reply to its end.</summary>
    private static async Task<byte[]> RoundTripAsync(int hostPort, byte[] payload, bool tolerateReset = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, hostPort, Ct);
        var stream = client.GetStream();
        var reply = new MemoryStream();
        try
        {
            await stream.WriteAsync(payload, Ct);
            client.Client.Shutdown(SocketShutdown.Send);
            await stream.CopyToAsync(reply, Ct);
        }
        catch (IOException) when (tolerateReset)
        {
            // A failed tunnel resets the connection.
        }

        return reply.ToArray();
    }

    private static byte[] Expected(byte[] payload) =>
        [.. Encoding.ASCII.GetBytes($"len:{payload.Length}\n"), .. payload.Reverse()];

    private static async Task AssertRefusedAsync(int hostPort)
    {
        using var client = new TcpClient();
        var error = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(System.Net.IPAddress.Loopback, hostPort, Ct));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    private static int HostPortOf(ToolOutcome exposed) => exposed.Structured.GetProperty("forward").GetProperty("host_port").GetInt32();

    private static string Quote(string value) => SandboxMcp.Shell.ShellQuoting.Quote(value);
}
