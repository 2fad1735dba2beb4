using SandboxMcp.Common;
using SandboxMcp.Network;
using SandboxMcp.Runtimes;
using SandboxMcp.Runtimes.Bubblewrap;
using SandboxMcp.Tests.Runtimes.Seatbelt;

namespace SandboxMcp.Tests.Runtimes.Bubblewrap;

public sealed class ProxyBridgeTests
{
    private static readonly SandboxMcp.Runtimes.Policy.SandboxPolicy Policy = PolicySamples.Allowlist with { SystemPaths = ["/usr"] };

    [Fact]
    public void Argv_SocatInstalled_ListensOnTheSandboxLoopbackAndConnectsToTheMountedSocket()
    {
        var argv = ProxyBridge.Argv(Policy, path => path is "/usr/bin/socat" or "/usr/bin/python3");

        Assert.Equal(["/usr/bin/socat", "TCP-LISTEN:3128,bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:/run/sandbox-proxy/proxy.sock"], argv);
    }

    [Fact]
    public void Argv_OnlyPython_UsesTheScript()
    {
        var argv = ProxyBridge.Argv(Policy, path => path == "/usr/bin/python3");

        Assert.Equal(["/usr/bin/python3", "-c", ProxyBridge.PythonScript, "3128", "/run/sandbox-proxy/proxy.sock"], argv);
    }

    [Fact]
    public void Argv_SocatDenied_FallsBackToPython()
    {
        var argv = ProxyBridge.Argv(Policy with { DeniedPaths = ["/usr/bin/socat"] }, path => path is "/usr/bin/socat" or "/usr/bin/python3");

        Assert.Equal("/usr/bin/python3", argv[0]);
    }

    [Fact]
    public void Argv_ProgramOutsideTheSandboxView_IsNotUsed()
    {
        var ex = Assert.Throws<SandboxException>(() => ProxyBridge.Argv(Policy with { SystemPaths = ["/opt"] }, path => path == "/usr/bin/socat"));

        Assert.Contains("apt-get install socat", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerArgv_IsThePythonForwarderThatEndsWithItsStdin()
    {
        var argv = ProxyBridge.ContainerArgv();

        Assert.Equal(["python3", "-c"], argv.Take(2));
        Assert.Contains("sys.stdin.buffer.read(), os._exit(0)", argv[2], StringComparison.Ordinal);
        Assert.EndsWith(ProxyBridge.PythonScript, argv[2], StringComparison.Ordinal);
        Assert.Equal(["3128", "/run/sandbox-proxy/proxy.sock"], argv.Skip(3));
    }

    [Theory]
    [InlineData("   0: 0100007F:0C38 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0", true)]
    [InlineData("   0: 0100007F:0C38 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0", false)]
    [InlineData("   0: 00000000:0C38 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0", false)]
    [InlineData("   0: 0100007F:0C39 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0", false)]
    public void ListensIn_OnlyAListenerOn127001Port3128Counts(string line, bool listening)
    {
        string[] procNetTcp = ["  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", line];

        Assert.Equal(listening, ProxyBridge.ListensIn(procNetTcp));
    }

    [Fact]
    public void Environment_PointsEveryCommonVariableAtTheBridge_AndLeavesAllProxyUnset()
    {
        var env = ProxyEnvironment.For(ProxyBridge.Port);

        foreach (var key in new[] { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy" })
        {
            Assert.Equal("http://127.0.0.1:3128", env[key]);
        }

        Assert.Equal("localhost,127.0.0.1,::1", env["NO_PROXY"]);
        Assert.DoesNotContain("ALL_PROXY", env.Keys);
        Assert.DoesNotContain("all_proxy", env.Keys);
    }

    [Fact]
    public void Merge_TheProcessOwnVariables_Win()
    {
        var merged = ProxyEnvironment.Merge(ProxyEnvironment.For(3128), new Dictionary<string, string> { ["NO_PROXY"] = "*", ["X"] = "1" });

        Assert.Equal(("*", "1", "http://127.0.0.1:3128"), (merged["NO_PROXY"], merged["X"], merged["HTTP_PROXY"]));
    }
}
