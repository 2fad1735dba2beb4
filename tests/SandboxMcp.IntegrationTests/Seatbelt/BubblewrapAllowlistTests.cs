using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Seatbelt;

/// <summary>
/// The network allowlist on a real bwrap, through the real server. There is no internet here, so the allowed host is
/// <c>localhost</c> and the servers listen on the host's 127.0.0.1: inside the sandbox 127.0.0.1 is its own loopback
/// (its own network namespace), so the host's servers are reachable only through the proxy, which resolves
/// <c>localhost</c> on the host. Commands clear NO_PROXY, which keeps the sandbox's own localhost direct.
/// </summary>
public sealed class BubblewrapAllowlistTests : ServerTest
{
    private const string Body = "hello-from-the-host-3f9c";

    protected override JsonObject Config => new()
    {
        ["defaultTier"] = "seatbelt",
        ["profiles"] = new JsonObject
        {
            ["allow"] = new JsonObject { ["allowedHosts"] = new JsonArray("localhost", "*.pythonhosted.org") },
            ["nosocat"] = new JsonObject { ["allowedHosts"] = new JsonArray("localhost"), ["deniedPaths"] = new JsonArray("/usr/bin/socat") },
        },
    };

    protected override void RequireEngine() => Engines.Require("bwrap");

    [Fact(Timeout = 60_000)]
    public async Task Exec_AllowedHost_ReachesAHostServerOnlyThroughTheProxy()
    {
        using var server = HostHttp.Start(Body, out var port);

        var viaProxy = await Server.ExecAsync(Fetch($"http://localhost:{port}/x?token=secret-query"), sandbox: "allow", cancellationToken: Ct);
        var direct = await Server.ExecAsync($"nc -z -w 2 127.0.0.1 {port} && echo reached || echo blocked", sandbox: "allow", cancellationToken: Ct);

        Assert.Equal($"200 {Body}\n", viaProxy.Stdout);
        Assert.Equal("blocked\n", direct.Stdout);
        var head = await server.FirstRequest.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.StartsWith("GET /x?token=secret-query HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-query", Server.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_SocatDenied_ThePython3ForwarderCarriesTheRequest()
    {
        using var server = HostHttp.Start(Body, out var port);

        var result = await Server.ExecAsync(Fetch($"http://localhost:{port}/"), sandbox: "nosocat", cancellationToken: Ct);
        var forwarder = await Server.ExecAsync("ps -o args= -p \"$(pgrep -f sandbox-proxy/proxy.sock)\"", sandbox: "nosocat", cancellationToken: Ct);

        Assert.Equal($"200 {Body}\n", result.Stdout);
        Assert.StartsWith("/usr/bin/python3 -c", forwarder.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_HostNotAllowed_Gets403NamingTheHostAndTheProfileKey()
    {
        var result = await Server.ExecAsync(Fetch("http://example.com/"), sandbox: "allow", cancellationToken: Ct);

        Assert.StartsWith("403 ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("example.com is not in the network allowlist of sandbox 'allow'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("allowedHosts", result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_ConnectTunnel_CarriesBytesBothWaysWithHalfClose()
    {
        using var echo = HostEcho(out var port, out var served);

        // A raw CONNECT through $HTTPS_PROXY: the tunnel answers 200, echoes, and ends after our half-close.
        var script = $$"""
            import os, socket, urllib.parse
            proxy = urllib.parse.urlsplit(os.environ["HTTPS_PROXY"])
            s = socket.create_connection((proxy.hostname, proxy.port))
            s.sendall(b"CONNECT localhost:{{port}} HTTP/1.1\r\nHost: localhost:{{port}}\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                head += s.recv(1)
            s.sendall(b"ping-through-tunnel")
            s.shutdown(socket.SHUT_WR)
            rest = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                rest += chunk
            print(head.split(b"\r\n")[0].decode(), rest.decode())
            """;
        var result = await Server.CallOkAsync("python", new { code = script, sandbox = "allow" }, Ct);

        Assert.Equal("HTTP/1.1 200 Connection established ping-through-tunnel\n", result.Stdout);
        Assert.Equal("ping-through-tunnel", await served.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_NetcatThroughTheProxy_ReachesAnAllowedHost()
    {
        // What the README suggests for ssh: nc -X connect as a ProxyCommand.
        using var echo = HostEcho(out var port, out var served);

        var result = await Server.ExecAsync($"printf netcat-line | nc -N -X connect -x 127.0.0.1:3128 localhost {port}", sandbox: "allow", cancellationToken: Ct);

        Assert.Equal("netcat-line", result.Stdout);
        Assert.Equal("netcat-line", await served.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_WithoutAllowlist_TheSameRequestFails()
    {
        using var server = HostHttp.Start(Body, out var port);

        var result = await Server.ExecAsync(Fetch($"http://localhost:{port}/") + "; echo \"proxy=${HTTP_PROXY:-unset}\"", cancellationToken: Ct);

        Assert.StartsWith("failed ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("proxy=unset", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Body, result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Status_SaysAllowlistWithItsHostsAndCounts()
    {
        await Server.ExecAsync(Fetch("http://blocked.example.org/"), sandbox: "allow", cancellationToken: Ct);
        await Server.ExecAsync("true", cancellationToken: Ct);

        var status = await Server.CallOkAsync("status", new { sandbox = "allow" }, Ct);
        var plain = await Server.CallOkAsync("status", cancellationToken: Ct);

        Assert.Contains("network: allowlist: only localhost, *.pythonhosted.org", status.Text, StringComparison.Ordinal);
        Assert.Contains("connections: 0 allowed, 1 denied", status.Text, StringComparison.Ordinal);
        Assert.Contains("recently denied: blocked.example.org", status.Text, StringComparison.Ordinal);
        Assert.Contains("network: none", plain.Text, StringComparison.Ordinal);
        var info = await Server.CallOkAsync("network_info", cancellationToken: Ct);
        Assert.Contains("allowlist", info.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Forwarder_KilledByACommand_IsRestartedAndSurvivesAServerRestart()
    {
        using var server = HostHttp.Start(Body, out var port, connections: 20);
        Assert.Equal($"200 {Body}\n", (await Server.ExecAsync(Fetch($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct)).Stdout);

        const string Forwarder = "pgrep -f sandbox-proxy/proxy.sock";
        var before = (await Server.ExecAsync(Forwarder, sandbox: "allow", cancellationToken: Ct)).Stdout.Trim();
        Assert.NotEqual("", before);

        await Server.ExecAsync("pkill -f sandbox-proxy/proxy.sock; true", sandbox: "allow", cancellationToken: Ct);
        var again = "";
        var after = before;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((again != $"200 {Body}\n" || after == before || after.Length == 0) && DateTime.UtcNow < until)
        {
            after = (await Server.ExecAsync(Forwarder, sandbox: "allow", cancellationToken: Ct)).Stdout.Trim();
            again = (await Server.ExecAsync(Fetch($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct)).Stdout;
        }

        Assert.NotEqual(before, after);
        Assert.Equal($"200 {Body}\n", again);

        // The policy is recorded with the sandbox: a new server starts a new holder, proxy and forwarder from it.
        await Server.RestartAsync(new ServerOptions { Config = Config }, Ct);
        var afterRestart = await Server.ExecAsync(Fetch($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct);
        Assert.Equal($"200 {Body}\n", afterRestart.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_TheProxySocket_CannotBeRemovedOrReplacedFromInside()
    {
        var result = await Server.ExecAsync(
            "rm -f /run/sandbox-proxy/proxy.sock 2>/dev/null || echo not-removed; touch /run/sandbox-proxy/x 2>/dev/null || echo read-only", sandbox: "allow", cancellationToken: Ct);

        Assert.Equal("not-removed\nread-only\n", result.Stdout);
    }

    [Fact(Timeout = 90_000)]
    public async Task Reset_KeepsTheAllowlistWithAFreshProxy()
    {
        using var server = HostHttp.Start(Body, out var port);
        await Server.ExecAsync(Fetch("http://denied.example.org/"), sandbox: "allow", cancellationToken: Ct);

        await Server.CallOkAsync("reset", new { sandbox = "allow" }, Ct);
        var result = await Server.ExecAsync(Fetch($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct);
        var status = await Server.CallOkAsync("status", new { sandbox = "allow" }, Ct);

        Assert.Equal($"200 {Body}\n", result.Stdout);
        Assert.Contains("connections: 1 allowed, 0 denied", status.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Create_AllowlistOnTheNativeTier_IsRefused()
    {
        var error = await Server.CallErrorAsync("create", new { sandbox = "allow", tier = "native" }, Ct);

        Assert.Contains("cannot restrict it to allowedHosts", error, StringComparison.Ordinal);
        Assert.Contains("seatbelt", error, StringComparison.Ordinal);
    }

    /// <summary>A listener on the host's 127.0.0.1 that echoes one connection (<paramref name="served"/>: what it received).</summary>
    private static TcpListener HostEcho(out int port, out Task<string> served)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        served = EchoServer.EchoOnceAsync(listener.Server, Ct);
        return listener;
    }

    private static string Fetch(string url) => HostHttp.FetchCommand(url);
}
