using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class TunnelCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("python\nnet:[1]\n", TunnelKind.Python)]
    [InlineData("nc-openbsd\n", TunnelKind.NetcatOpenBsd)]
    [InlineData("nc\n", TunnelKind.Netcat)]
    [InlineData("bash\n", TunnelKind.Bash)]
    [InlineData("\nnet:[1]\n", null)]
    public void Parse_ProbeOutput_GivesTheKind(string output, TunnelKind? expected) =>
        Assert.Equal(expected, TunnelCommand.Parse(output));

    [Fact]
    public void Argv_NetcatOpenBsd_ShutsDownOnStdinEof() =>
        Assert.Equal(["nc", "-N", "127.0.0.1", "8000"], TunnelCommand.Argv(TunnelKind.NetcatOpenBsd, 8000));

    [Fact(Timeout = 15000)]
    public async Task PythonTunnel_HalfCloseBothWays_StdinEofReachesTheServerAndItsCloseEndsStdout()
    {
        // The reason python3 comes first: the server's FIN must end stdout while stdin is still open.
        using var server = Sockets.Listen(out var port);
        using var tunnel = Start(TunnelCommand.Argv(TunnelKind.Python, port));
        using var first = await server.AcceptSocketAsync(Ct);

        await tunnel.StandardInput.BaseStream.WriteAsync("ping"u8.ToArray(), Ct);
        tunnel.StandardInput.Close();
        var received = await Sockets.ReceiveToEndAsync(first, Ct);
        await first.SendAsync("pong"u8.ToArray(), Ct);
        first.Shutdown(SocketShutdown.Send);
        var output = await tunnel.StandardOutput.ReadToEndAsync(Ct);
        await tunnel.WaitForExitAsync(Ct);

        Assert.Equal("ping", received);
        Assert.Equal("pong", output);
        Assert.Equal(0, tunnel.ExitCode);
    }

    [Fact(Timeout = 15000)]
    public async Task PythonTunnel_ServerClosesFirst_StdoutEndsWhileStdinIsOpen()
    {
        using var server = Sockets.Listen(out var port);
        using var tunnel = Start(TunnelCommand.Argv(TunnelKind.Python, port));
        using (var accepted = await server.AcceptSocketAsync(Ct))
        {
            await accepted.SendAsync("bye"u8.ToArray(), Ct);
        }

        var output = await tunnel.StandardOutput.ReadToEndAsync(Ct);

        Assert.Equal("bye", output);
        tunnel.Kill();
    }

    [Fact(Timeout = 15000)]
    public async Task PythonTunnel_NothingListening_ExitsNonZeroSayingWhy()
    {
        using var tunnel = Start(TunnelCommand.Argv(TunnelKind.Python, 9));

        var error = await tunnel.StandardError.ReadToEndAsync(Ct);
        await tunnel.WaitForExitAsync(Ct);

        Assert.NotEqual(0, tunnel.ExitCode);
        Assert.Contains("connect to 127.0.0.1:9 failed", error, StringComparison.Ordinal);
    }

    private static Process Start(IReadOnlyList<string> argv)
    {
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }
}
