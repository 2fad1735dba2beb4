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

    private static int ClosedPort()
    {
        using (Sockets.Listen(out var port))
        {
            return port;
        }
    }

    [Fact(Timeout = 15000)]
    public async Task TryConnectAsync_Listening_Connects_Refused_IsNullForTheTunnelFallback()
    {
        using var server = Sockets.Listen(out var port);

        await using var connected = await DirectTunnel.TryConnectAsync(System.Net.IPAddress.Loopback, port, TimeSpan.FromSeconds(5), Ct);
        var refused = await DirectTunnel.TryConnectAsync(System.Net.IPAddress.Loopback, ClosedPort(), TimeSpan.FromSeconds(5), Ct);

        Assert.NotNull(connected);
        Assert.Null(refused);
    }

    [Fact(Timeout = 15000)]
    public async Task IsRoutedAsync_AnsweredOrRefused_IsRouted()
    {
        using var server = Sockets.Listen(out var port);

        var listening = await DirectTunnel.IsRoutedAsync(System.Net.IPAddress.Loopback, port, TimeSpan.FromSeconds(5), Ct);
        var refused = await DirectTunnel.IsRoutedAsync(System.Net.IPAddress.Loopback, ClosedPort(), TimeSpan.FromSeconds(5), Ct);

        Assert.True(listening);
        Assert.True(refused);
    }

    [Fact(Timeout = 15000)]
    public async Task IsRoutedAsync_NoAnswerWithinTheTimeout_IsNotRouted()
    {
        // A listener whose accept queue is full drops further SYNs: the connect neither succeeds nor is refused,
        // which is what an address the host does not route to looks like.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        silent.Listen(0);
        var port = ((System.Net.IPEndPoint)silent.LocalEndPoint!).Port;
        var queued = new List<Socket>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                queued.Add(filler);
                using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await filler.ConnectAsync(System.Net.IPAddress.Loopback, port, quick.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            Assert.False(await DirectTunnel.IsRoutedAsync(System.Net.IPAddress.Loopback, port, TimeSpan.FromMilliseconds(300), Ct));
        }
        finally
        {
            queued.ForEach(q => q.Dispose());
        }
    }
}
