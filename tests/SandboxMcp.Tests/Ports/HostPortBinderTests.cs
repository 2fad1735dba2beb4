using System.Net;
using System.Net.Sockets;
using SandboxMcp.Common;
using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class HostPortBinderTests
{
    [Fact]
    public void Bind_PortFree_TakesTheSameNumberOnLoopbackOnly()
    {
        var port = FreePort();

        var bound = HostPortBinder.Bind(port, null, sharedNetwork: false);
        using var listener = bound.Listener;

        Assert.Equal(port, bound.Port);
        Assert.Null(bound.Reason);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Address);
    }

    [Fact]
    public void Bind_PortTaken_TakesTheNextFreeOneAndSaysWhy()
    {
        using var occupant = Occupy(out var port);

        var bound = HostPortBinder.Bind(port, null, sharedNetwork: false);
        using var listener = bound.Listener;

        Assert.True(bound.Port > port);
        Assert.Equal($"host port {port}{(bound.Port - port > 1 ? $" to {bound.Port - 1} were" : " was")} in use, so {bound.Port} was taken", bound.Reason);
    }

    [Fact]
    public void Bind_ExplicitHostPortTaken_IsAnErrorNotASharedPort()
    {
        using var occupant = Occupy(out var port);

        var error = Assert.Throws<SandboxException>(() => HostPortBinder.Bind(8000, port, sharedNetwork: false));

        Assert.Contains($"Host port {port} is already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_SharedNetworkSamePort_IsRefusedBecauseItWouldConnectToItself()
    {
        var port = FreePort();

        var error = Assert.Throws<SandboxException>(() => HostPortBinder.Bind(port, port, sharedNetwork: true));

        Assert.Contains("would connect to itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_SharedNetworkNoHostPort_SkipsTheSandboxsOwnPort()
    {
        var port = FreePort();

        var bound = HostPortBinder.Bind(port, null, sharedNetwork: true);
        using var listener = bound.Listener;

        Assert.NotEqual(port, bound.Port);
        Assert.Contains("shares the host's network", bound.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80, 8080)]
    [InlineData(443, 8443)]
    [InlineData(1023, 9023)]
    [InlineData(1024, 1024)]
    [InlineData(65535, 65535)]
    public void Preferred_PrivilegedPorts_MapAbove8000(int port, int expected) =>
        Assert.Equal(expected, HostPortBinder.Preferred(port));

    [Fact]
    public void Reason_PrivilegedPortServedOnItsPreferredPort_SaysWhy() =>
        Assert.Equal("host ports below 1024 are never chosen automatically, so port 80 is served from 8080 upwards", HostPortBinder.Reason(80, 8080, 8080, sharedNetwork: false));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_OutOfRange_SaysTheRange(int port)
    {
        var error = Assert.Throws<SandboxException>(() => HostPortBinder.Validate(port, "host_port"));

        Assert.Equal($"Invalid host_port {port}: give a TCP port from 1 to 65535 (e.g. 8000).", error.Message);
    }

    private static int FreePort()
    {
        using var probe = Occupy(out var port);
        return port;
    }

    private static TcpListener Occupy(out int port) => Sockets.Listen(out port);
}
