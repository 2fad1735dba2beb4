using System.Net.Sockets;
using SandboxMcp.Common;
using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class DirectTunnelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 15000)]
    public async Task ForwardConnection_OverADirectTunnel_KeepsHalfCloseBothWays()
    {
        using var server = Sockets.Listen(out var port);
        using var front = Sockets.Listen(out var frontPort);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, frontPort, Ct);
        using var accepted = await front.AcceptSocketAsync(Ct);
        await using var tunnel = await DirectTunnel.ConnectAsync(port, Ct);
        using var backend = await server.AcceptSocketAsync(Ct);
        var run = ForwardConnection.RunAsync(accepted, tunnel, new ByteCounter(), new ByteCounter(), Ct);

        await client.SendAsync("question"u8.ToArray(), Ct);
        client.Shutdown(SocketShutdown.Send);
        var received = await Sockets.ReceiveToEndAsync(backend, Ct);
        await backend.SendAsync("answer"u8.ToArray(), Ct);
        backend.Shutdown(SocketShutdown.Send);
        var reply = await Sockets.ReceiveToEndAsync(client, Ct);
        var outcome = await run;

        Assert.Equal("question", received);
        Assert.Equal("answer", reply);
        Assert.Null(outcome.Error);
        Assert.Equal(0, outcome.ExitCode);
    }

    [Fact(Timeout = 15000)]
    public async Task ConnectAsync_NothingListening_SaysWhichPort()
    {
        int port;
        using (Sockets.Listen(out port))
        {
        }

        var error = await Assert.ThrowsAsync<SandboxException>(() => DirectTunnel.ConnectAsync(port, Ct));

        Assert.StartsWith($"connect to 127.0.0.1:{port} failed", error.Message, StringComparison.Ordinal);
    }
}
