using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxMcp.Ports;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Tests.Ports;

/// <summary>The host side of the multiplexed tunnel against the real python3 script, run as a host process.</summary>
public sealed class TunnelMuxTests
{
    private const long FiftyMegabytes = 50L * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Open_FiftyParallelConnections_EachEchoesItsOwnBytesThroughOneProcess()
    {
        await using var server = LocalServer.Echo();
        var launcher = new HostLauncher();
        await using var mux = await StartAsync(launcher, server.Port);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            // Sizes from 1 KB to ~220 KB: many frames each, several windows for the larger ones.
            var payload = Encoding.ASCII.GetBytes($"connection {i} " + new string((char)('a' + (i % 26)), 1000 + (i * 4500)));
            await using var connection = mux.Open();
            return (payload, reply: await RoundTripAsync(connection, payload));
        }));

        Assert.All(results, r => Assert.Equal(LocalServer.Expected(r.payload), r.reply));
        Assert.Equal(1, launcher.Started);
        Assert.True(mux.IsAlive);
    }

    [Fact(Timeout = 30_000)]
    public async Task ForwardConnection_OverTheMux_ClientHalfClosesAndStillReceivesTheReply()
    {
        await using var server = LocalServer.Echo();
        await using var mux = await StartAsync(new HostLauncher(), server.Port);
        var (client, accepted) = await Sockets.ConnectedPairAsync(Ct);
        using var _ = client;
        using var __ = accepted;
        await using var connection = mux.Open();
        var run = ForwardConnection.RunAsync(accepted, connection, new ByteCounter(), new ByteCounter(), Ct);

        await client.SendAsync("question"u8.ToArray(), Ct);
        client.Shutdown(SocketShutdown.Send);
        var reply = await Sockets.ReceiveToEndAsync(client, Ct);
        var outcome = await run;

        Assert.Equal(Encoding.ASCII.GetString(LocalServer.Expected("question"u8.ToArray())), reply);
        Assert.Null(outcome.Error);
        Assert.Equal(0, outcome.ExitCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Open_ServerClosesFirst_StdoutEndsWhileStdinIsStillOpen()
    {
        await using var server = new LocalServer(async (socket, ct) => await socket.SendAsync("bye"u8.ToArray(), ct));
        await using var mux = await StartAsync(new HostLauncher(), server.Port);
        await using var connection = mux.Open();

        var output = await new StreamReader(connection.StandardOutput).ReadToEndAsync(Ct);

        Assert.Equal("bye", output);
        Assert.False(connection.HasExited);
    }

    [Fact(Timeout = 30_000)]
    public async Task Open_NothingListening_FailsWithAResetNamingThePort()
    {
        using var probe = Sockets.Listen(out var port);
        probe.Stop();
        await using var mux = await StartAsync(new HostLauncher(), port);
        await using var connection = mux.Open();

        var error = await Assert.ThrowsAsync<TunnelResetException>(() => connection.StandardOutput.ReadAsync(new byte[16], Ct).AsTask());

        Assert.Contains($"connect to 127.0.0.1:{port} failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await connection.WaitForExitAsync(Ct));
        Assert.True(mux.IsAlive);
    }

    [Fact(Timeout = 30_000)]
    public async Task Open_ServerOnIpv6LoopbackOnly_IsReachedAfter127IsRefused()
    {
        await using var server = new LocalServer(async (socket, ct) => await socket.SendAsync("six"u8.ToArray(), ct), IPAddress.IPv6Loopback);
        await using var mux = await StartAsync(new HostLauncher(), server.Port);
        await using var connection = mux.Open();

        var output = await new StreamReader(connection.StandardOutput).ReadToEndAsync(Ct);

        Assert.Equal("six", output);
    }

    [Fact(Timeout = 120_000)]
    public async Task Open_OneConnectionNeverRead_AnotherStillMoves50MegabytesAndTheStalledOneHoldsAtMostAWindow()
    {
        // 'F' floods forever, 'B' sends 50 MB and closes.
        await using var server = new LocalServer(async (socket, ct) =>
        {
            var command = new byte[1];
            await socket.ReceiveAsync(command, ct);
            var block = new byte[1 << 20];
            for (long sent = 0; command[0] == 'F' || sent < FiftyMegabytes; sent += block.Length)
            {
                await socket.SendAsync(block, ct);
            }
        });
        await using var mux = await StartAsync(new HostLauncher(), server.Port);
        await using var stalled = mux.Open();
        await stalled.StandardInput.WriteAsync("F"u8.ToArray(), Ct);
        await Sockets.PollAsync(() => ((MuxConnection)stalled).Unread > 0);

        await using var moving = mux.Open();
        await moving.StandardInput.WriteAsync("B"u8.ToArray(), Ct);
        var received = await CountToEndAsync(moving.StandardOutput);

        Assert.Equal(FiftyMegabytes, received);
        Assert.InRange(((MuxConnection)stalled).Unread, 1, MuxProtocol.Window);
        Assert.False(stalled.HasExited);
    }

    [Fact(Timeout = 120_000)]
    public async Task Open_ServerNeverReads_ItsWriterWaitsForCreditWhileAnotherConnectionWorks()
    {
        // 'S' reads one byte and then nothing; anything else is the echo.
        await using var server = new LocalServer(async (socket, ct) =>
        {
            var first = new byte[1];
            await socket.ReceiveAsync(first, ct);
            if (first[0] == 'S')
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            var received = new MemoryStream();
            received.Write(first);
            var buffer = new byte[65536];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, ct)) > 0)
            {
                received.Write(buffer, 0, n);
            }

            await socket.SendAsync(LocalServer.Expected(received.ToArray()), ct);
        });
        await using var mux = await StartAsync(new HostLauncher(), server.Port);
        await using var stuck = mux.Open();

        // Far more than the window and both kernels' socket buffers together: the writer must end up waiting for credit.
        var writing = stuck.StandardInput.WriteAsync(new byte[64 << 20], Ct).AsTask();
        await using var other = mux.Open();
        var reply = await RoundTripAsync(other, "E works"u8.ToArray());

        Assert.Equal(LocalServer.Expected("E works"u8.ToArray()), reply);
        Assert.False(writing.IsCompleted);
        await stuck.DisposeAsync();
        await Assert.ThrowsAsync<IOException>(() => writing);
    }

    [Fact(Timeout = 30_000)]
    public async Task Mux_ProcessDies_OpenConnectionsFailSayingSoAndItIsNoLongerAlive()
    {
        await using var server = LocalServer.Echo();
        var launcher = new HostLauncher();
        await using var mux = await StartAsync(launcher, server.Port);
        await using var connection = mux.Open();
        await connection.StandardInput.WriteAsync("half a request"u8.ToArray(), Ct);

        launcher.Last!.Kill();
        var error = await Assert.ThrowsAsync<TunnelResetException>(() => CountToEndAsync(connection.StandardOutput));

        Assert.Contains("the multiplexed tunnel process", error.Message, StringComparison.Ordinal);
        Assert.False(mux.IsAlive);
        Assert.Equal(1, await connection.WaitForExitAsync(Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Mux_SandboxSideSendsAnUnknownFrameType_ItsConnectionsFailWithAClearErrorAndTheMuxIsDead()
    {
        // A "sandbox side" that answers with a frame of type 42 and then waits for its stdin to close.
        const string rogue = "import sys; sys.stdout.buffer.write(bytes([42]) + bytes(8)); sys.stdout.flush(); sys.stdin.buffer.read()";
        await using var mux = await StartAsync(new HostLauncher(["python3", "-c", rogue]), 9);
        await using var connection = mux.Open();

        var error = await Assert.ThrowsAsync<TunnelResetException>(() => CountToEndAsync(connection.StandardOutput));

        Assert.Contains("broke the protocol: unknown frame type 42", error.Message, StringComparison.Ordinal);
        Assert.False(mux.IsAlive);
    }

    [Fact(Timeout = 30_000)]
    public async Task MuxScript_UnknownFrameType_ExitsSayingSo()
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in MuxScript.Argv(9).Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var frame = MuxProtocolTests.Frame(MuxFrameType.Data, 1, []);
        frame[0] = 42;
        await process.StandardInput.BaseStream.WriteAsync(frame, Ct);
        await process.StandardInput.BaseStream.FlushAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.Contains("unknown frame type 42", error, StringComparison.Ordinal);
        Assert.Equal(2, process.ExitCode);
    }

    private static Task<TunnelMux> StartAsync(IProcessLauncher launcher, int port) =>
        TunnelMux.StartAsync(launcher, port, "test", NullLogger.Instance, Ct);

    /// <summary>Sends <paramref name="payload"/>, half-closes, and reads the reply to its end (both at once, as a client would).</summary>
    internal static async Task<byte[]> RoundTripAsync(ISandboxProcess connection, byte[] payload)
    {
        var reply = new MemoryStream();
        var reading = connection.StandardOutput.CopyToAsync(reply, Ct);
        await connection.StandardInput.WriteAsync(payload, Ct);
        await connection.StandardInput.DisposeAsync();
        await reading;
        return reply.ToArray();
    }

    private static async Task<long> CountToEndAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, Ct)) > 0)
        {
            total += n;
        }

        return total;
    }
}
