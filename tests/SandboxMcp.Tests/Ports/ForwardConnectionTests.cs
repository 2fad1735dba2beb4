using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class ForwardConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 15000)]
    public async Task RunAsync_ClientShutsDownItsSide_TunnelSeesEofAndTheReplyStillArrives()
    {
        var (client, accepted) = await Sockets.ConnectedPairAsync(Ct);
        using var _ = client;
        var tunnel = new FakeTunnel();
        var toSandbox = new ByteCounter();
        var fromSandbox = new ByteCounter();
        var run = ForwardConnection.RunAsync(accepted, tunnel, toSandbox, fromSandbox, Ct);

        await client.SendAsync("request"u8.ToArray(), Ct);
        client.Shutdown(SocketShutdown.Send);
        var received = await ReadToEndAsync(tunnel.Input);
        await tunnel.Output.WriteAsync(Encoding.ASCII.GetBytes("reply to " + received), Ct);
        await tunnel.ExitAsync(0);
        var reply = await Sockets.ReceiveToEndAsync(client, Ct);
        var outcome = await run;

        Assert.Equal("request", received);
        Assert.Equal("reply to request", reply);
        Assert.Null(outcome.Error);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(7, toSandbox.Value);
        Assert.Equal(16, fromSandbox.Value);
    }

    [Fact(Timeout = 15000)]
    public async Task RunAsync_TunnelOutputEnds_ClientSeesEofAndTheConnectionEndsWhenTheTunnelExits()
    {
        var (client, accepted) = await Sockets.ConnectedPairAsync(Ct);
        using var _ = client;
        var tunnel = new FakeTunnel();
        var run = ForwardConnection.RunAsync(accepted, tunnel, new ByteCounter(), new ByteCounter(), Ct);

        await tunnel.Output.WriteAsync("bye"u8.ToArray(), Ct);
        await tunnel.Output.CompleteAsync();
        var reply = await Sockets.ReceiveToEndAsync(client, Ct);
        Assert.False(run.IsCompleted);
        await tunnel.ExitAsync(0);
        var outcome = await run;

        Assert.Equal("bye", reply);
        Assert.Null(outcome.Error);
        Assert.False(tunnel.Killed);
    }

    [Fact(Timeout = 15000)]
    public async Task RunAsync_TunnelFailsBeforeSendingAnything_ReportsItsStderr()
    {
        var (client, accepted) = await Sockets.ConnectedPairAsync(Ct);
        using var _ = client;
        var tunnel = new FakeTunnel();
        var run = ForwardConnection.RunAsync(accepted, tunnel, new ByteCounter(), new ByteCounter(), Ct);

        await tunnel.Error.WriteAsync("connect to 127.0.0.1:9 failed: Connection refused"u8.ToArray(), Ct);
        await tunnel.ExitAsync(1);
        var outcome = await run;

        Assert.Equal("connect to 127.0.0.1:9 failed: Connection refused", outcome.Error);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(0, outcome.BytesFromSandbox);
    }

    [Fact(Timeout = 15000)]
    public async Task RunAsync_Cancelled_StopsBothDirections()
    {
        var (client, accepted) = await Sockets.ConnectedPairAsync(Ct);
        using var _ = client;
        using var cts = new CancellationTokenSource();
        var tunnel = new FakeTunnel();
        var run = ForwardConnection.RunAsync(accepted, tunnel, new ByteCounter(), new ByteCounter(), cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private static async Task<string> ReadToEndAsync(PipeReader reader)
    {
        var text = new StringBuilder();
        while (true)
        {
            var result = await reader.ReadAsync(Ct);
            text.Append(Encoding.ASCII.GetString(result.Buffer.ToArray()));
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }
}
