using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

/// <summary>A forward's tunnels, run as host processes: one real mux script for every connection where the sandbox has python3, one nc per connection without.</summary>
public sealed class PortForwardTunnelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Forward_TenSequentialConnections_StartOneTunnelProcess()
    {
        await using var server = LocalServer.Echo();
        var launcher = new HostLauncher();
        await using var forward = Create(launcher, server.Port);

        for (var i = 0; i < 10; i++)
        {
            var payload = System.Text.Encoding.ASCII.GetBytes($"request {i}");
            Assert.Equal(LocalServer.Expected(payload), await RoundTripAsync(forward.HostPort, payload));
        }

        var info = forward.Info();
        Assert.Equal(1, launcher.Started);
        Assert.Equal(1, info.TunnelProcesses);
        Assert.Equal(10, info.TunnelledConnections);
        Assert.Equal(0, info.FailedConnections);
        Assert.Contains("multiplexed python3", info.Tunnel, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Forward_NothingListening_ResetsTheClientAndCountsIt()
    {
        using var probe = Sockets.Listen(out var port);
        probe.Stop();
        await using var forward = Create(new HostLauncher(), port);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, forward.HostPort, Ct);
        await client.SendAsync("anyone?"u8.ToArray(), Ct);
        var error = await Assert.ThrowsAsync<SocketException>(async () => await client.ReceiveAsync(new byte[16], Ct));

        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        await Sockets.PollAsync(() => forward.Info().FailedConnections == 1);
        Assert.Contains($"connect to 127.0.0.1:{port} failed", forward.Info().LastError, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Forward_TunnelProcessDies_ItsConnectionIsResetAndTheNextOneStartsANewProcess()
    {
        await using var server = LocalServer.Echo();
        var launcher = new HostLauncher();
        await using var forward = Create(launcher, server.Port);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, forward.HostPort, Ct);
        await client.SendAsync("waiting for my reply"u8.ToArray(), Ct);
        await Sockets.PollAsync(() => launcher.Started == 1 && forward.Info().TunnelledConnections == 1);

        launcher.Last!.Kill();
        var error = await Assert.ThrowsAsync<SocketException>(async () => await client.ReceiveAsync(new byte[16], Ct));
        var after = await RoundTripAsync(forward.HostPort, "next"u8.ToArray());

        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Assert.Equal(LocalServer.Expected("next"u8.ToArray()), after);
        var info = forward.Info();
        Assert.Equal(2, launcher.Started);
        Assert.Equal(2, info.TunnelProcesses);
        Assert.Equal(1, info.FailedConnections);
        Assert.Contains("the multiplexed tunnel process", info.LastError, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Forward_WithoutPython_StartsOneNcPerConnectionAsBefore()
    {
        await using var server = LocalServer.Echo();
        var launcher = new HostLauncher();
        await using var forward = Create(launcher, server.Port, TunnelKind.NetcatOpenBsd);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(LocalServer.Expected("nc"u8.ToArray()), await RoundTripAsync(forward.HostPort, "nc"u8.ToArray()));
        }

        var info = forward.Info();
        Assert.Equal(3, launcher.Started);
        Assert.Equal(3, info.TunnelProcesses);
        Assert.Equal(3, info.TunnelledConnections);
        Assert.Contains("nc -N", info.Tunnel, StringComparison.Ordinal);
    }

    private static PortForward Create(HostLauncher launcher, int port, TunnelKind kind = TunnelKind.Python) =>
        new("test", port, HostPortBinder.Bind(port, 0, sharedNetwork: false), kind, null, launcher, new SandboxUse(() => { }, () => { }), NullLogger.Instance, DateTimeOffset.UtcNow);

    private static async Task<byte[]> RoundTripAsync(int hostPort, byte[] payload)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, hostPort, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(payload, Ct);
        client.Client.Shutdown(SocketShutdown.Send);
        var reply = new MemoryStream();
        await stream.CopyToAsync(reply, Ct);
        return reply.ToArray();
    }
}
