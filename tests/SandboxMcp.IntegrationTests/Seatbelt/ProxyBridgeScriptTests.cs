using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SandboxMcp.IntegrationTests.Infrastructure;
using SandboxMcp.Runtimes;

namespace SandboxMcp.IntegrationTests.Seatbelt;

/// <summary>
/// The python3 forwarder used when a host has no socat, run as a plain host process: TCP in, the unix socket out,
/// bytes both ways, and the half-close passed on (socat is what the bubblewrap tests exercise on this machine).
/// </summary>
public sealed class ProxyBridgeScriptTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sbx-bridge-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact(Timeout = 20_000)]
    public async Task PythonForwarder_CarriesATcpConnectionToTheUnixSocketWithHalfClose()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/python3"), "python3 is not installed");
        var path = Path.Combine(_dir.FullName, "proxy.sock");
        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        unix.Bind(new UnixDomainSocketEndPoint(path));
        unix.Listen(4);
        var echoed = EchoServer.EchoOnceAsync(unix, Ct);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", ProxyBridge.PythonScript, port.ToString(CultureInfo.InvariantCulture), path })
        {
            start.ArgumentList.Add(argument);
        }

        using var bridge = Process.Start(start)!;
        try
        {
            using var client = await ConnectWhenListeningAsync(port, bridge);
            await client.SendAsync(Encoding.ASCII.GetBytes("through-the-bridge"), Ct);
            client.Shutdown(SocketShutdown.Send);
            var back = new StringBuilder();
            var buffer = new byte[4096];
            int read;
            while ((read = await client.ReceiveAsync(buffer, Ct)) > 0)
            {
                back.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            Assert.Equal("through-the-bridge", back.ToString());
            Assert.Equal("through-the-bridge", await echoed);
        }
        finally
        {
            bridge.Kill();
        }
    }

    private static async Task<Socket> ConnectWhenListeningAsync(int port, Process bridge)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, Ct);
                return socket;
            }
            catch (SocketException) when (DateTime.UtcNow < until && !bridge.HasExited)
            {
                socket.Dispose();
                await Task.Delay(20, Ct);
            }
        }
    }
}
