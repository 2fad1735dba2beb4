using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>
/// The network allowlist on the vm tier, on a real engine through the real server. As in the bubblewrap tests the
/// allowed host is <c>localhost</c> with servers on the host's 127.0.0.1: the container has no network, so it reaches
/// them only through the proxy, which resolves <c>localhost</c> on the host. Each engine derives from this.
/// </summary>
public abstract class VmAllowlistTests : ServerTest
{
    private const string Body = "hello-from-the-host-vm-7c1e";
    private const string Forwarder = "pgrep -f sandbox-proxy/proxy.sock";

    /// <summary>podman or docker.</summary>
    protected abstract string Engine { get; }

    protected override JsonObject Config
    {
        get
        {
            var config = VmEngine.Config(Engine);
            config["profiles"] = new JsonObject { ["allow"] = new JsonObject { ["allowedHosts"] = new JsonArray("localhost", "*.pythonhosted.org") } };
            return config;
        }
    }

    protected override void RequireEngine() => VmEngine.Require(Engine);

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync(Engine, server);

    [Fact(Timeout = 120_000)]
    public async Task Exec_AllowedHost_IsReachedThroughThePython3ForwarderAndTheProxy()
    {
        using var server = HostHttp.Start(Body, out var port);

        var viaProxy = await Server.ExecAsync(HostHttp.FetchCommand($"http://localhost:{port}/x?token=secret-query"), sandbox: "allow", cancellationToken: Ct);
        var forwarder = await Server.ExecAsync($"ps -o args= -p \"$({Forwarder})\"", sandbox: "allow", cancellationToken: Ct);

        Assert.Equal($"200 {Body}\n", viaProxy.Stdout);
        var head = await server.FirstRequest.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.StartsWith("GET /x?token=secret-query HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.StartsWith("python3 -c", forwarder.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-query", Server.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_DirectConnectionToTheHost_FailsForLackOfNetwork()
    {
        // A server on the host's own address, which a container on the engine's network would reach through its gateway.
        var address = HostAddress();
        Assert.SkipWhen(address is null, "the host has no non-loopback IPv4 address");
        using var server = HostHttp.Start(Body, out var port, address: IPAddress.Any);
        var script = "import socket, sys\n"
            + "try:\n"
            + "    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5); print('reached')\n"
            + "except OSError as e:\n"
            + "    print('blocked', e.errno)\n";

        var direct = await Server.ExecAsync($"python3 -c \"{script}\" {address} {port}", sandbox: "allow", cancellationToken: Ct);
        var interfaces = await Server.ExecAsync("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '", sandbox: "allow", cancellationToken: Ct);

        Assert.Equal("blocked 101\n", direct.Stdout);
        Assert.Equal("lo\n", interfaces.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_HostNotAllowed_Gets403NamingTheHostAndTheSandbox()
    {
        var result = await Server.ExecAsync(HostHttp.FetchCommand("http://example.com/"), sandbox: "allow", cancellationToken: Ct);

        Assert.StartsWith("403 ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("example.com is not in the network allowlist of sandbox 'allow'", result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Status_SaysAllowlistWithItsHostsAndCounts()
    {
        await Server.ExecAsync(HostHttp.FetchCommand("http://blocked.example.org/"), sandbox: "allow", cancellationToken: Ct);

        var status = await Server.CallOkAsync("status", new { sandbox = "allow" }, Ct);
        var info = await Server.CallOkAsync("network_info", new { sandbox = "allow" }, Ct);

        Assert.Contains("tier vm", status.Text, StringComparison.Ordinal);
        Assert.Contains("network: allowlist: only localhost, *.pythonhosted.org", status.Text, StringComparison.Ordinal);
        Assert.Contains("connections: 0 allowed, 1 denied", status.Text, StringComparison.Ordinal);
        Assert.Contains("recently denied: blocked.example.org", status.Text, StringComparison.Ordinal);
        Assert.Contains("allowlist", info.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Forwarder_KilledByACommand_IsRestartedAndTheSandboxWorksAfterAServerRestart()
    {
        using var server = HostHttp.Start(Body, out var port, connections: 30);
        Assert.Equal($"200 {Body}\n", (await Server.ExecAsync(HostHttp.FetchCommand($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct)).Stdout);
        var before = (await Server.ExecAsync(Forwarder, sandbox: "allow", cancellationToken: Ct)).Stdout.Trim();
        Assert.NotEqual("", before);

        await Server.ExecAsync("pkill -f sandbox-proxy/proxy.sock; true", sandbox: "allow", cancellationToken: Ct);
        var again = "";
        var after = before;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((again != $"200 {Body}\n" || after == before || after.Length == 0) && DateTime.UtcNow < until)
        {
            after = (await Server.ExecAsync(Forwarder, sandbox: "allow", cancellationToken: Ct)).Stdout.Trim();
            again = (await Server.ExecAsync(HostHttp.FetchCommand($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct)).Stdout;
        }

        Assert.NotEqual(before, after);
        Assert.Equal($"200 {Body}\n", again);

        // The container and its mount outlive the server: a new server's proxy appears in the same directory, and
        // the old forwarder ended with the old server's exec, so exactly one runs.
        await Server.RestartAsync(new ServerOptions { Config = Config }, Ct);
        var afterRestart = await Server.ExecAsync(HostHttp.FetchCommand($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct);
        var forwarders = "";
        until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (forwarders != "1" && DateTime.UtcNow < until)
        {
            forwarders = (await Server.ExecAsync("pgrep -f '[s]andbox-proxy/proxy.sock' | wc -l", sandbox: "allow", cancellationToken: Ct)).Stdout.Trim();
        }

        var survivor = await Server.ExecAsync(HostHttp.FetchCommand($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct);

        Assert.Equal($"200 {Body}\n", afterRestart.Stdout);
        Assert.Equal("1", forwarders);
        Assert.Equal($"200 {Body}\n", survivor.Stdout);
    }

    [Fact(Timeout = 180_000)]
    public async Task Reset_KeepsTheAllowlistWithAFreshProxy()
    {
        using var server = HostHttp.Start(Body, out var port);
        await Server.ExecAsync(HostHttp.FetchCommand("http://denied.example.org/"), sandbox: "allow", cancellationToken: Ct);

        await Server.CallOkAsync("reset", new { sandbox = "allow" }, Ct);
        var result = await Server.ExecAsync(HostHttp.FetchCommand($"http://localhost:{port}/"), sandbox: "allow", cancellationToken: Ct);
        var status = await Server.CallOkAsync("status", new { sandbox = "allow" }, Ct);

        Assert.Equal($"200 {Body}\n", result.Stdout);
        Assert.Contains("connections: 1 allowed, 0 denied", status.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_WithoutAllowlist_HasNoProxyVariables()
    {
        var result = await Server.ExecAsync("echo \"proxy=${HTTP_PROXY:-unset}\"; ls /run/sandbox-proxy 2>/dev/null || echo no-mount", cancellationToken: Ct);

        Assert.Equal("proxy=unset\nno-mount\n", result.Stdout);
    }

    /// <summary>The host's first non-loopback IPv4 address that is up.</summary>
    private static IPAddress? HostAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
