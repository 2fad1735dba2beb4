using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class NetworkProbeTests
{
    private const string ContainerOutput = """
        ns net:[4026532500]
        @route
        Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
        eth0	00000000	0100580A	0003	0	0	0	00000000	0	0	0
        eth0	0000580A	00000000	0001	0	0	0	0000FFFF	0	0	0
        @fib
        Main:
          +-- 0.0.0.0/0 3 0 5
             |-- 0.0.0.0
                /0 universe UNICAST
             +-- 10.88.0.0/16 2 0 2
                +-- 10.88.0.0/28 2 0 2
                   |-- 10.88.0.0
                      /16 link UNICAST
                   |-- 10.88.0.7
                      /32 host LOCAL
             +-- 127.0.0.0/8 2 0 2
                |-- 127.0.0.1
                   /32 host LOCAL
        Local:
          +-- 0.0.0.0/0 3 0 5
                   |-- 10.88.0.7
                      /32 host LOCAL
        """;

    [Fact]
    public void Parse_ContainerOutput_FindsNamespaceAddressAndSubnetButNotLoopback()
    {
        var reading = NetworkProbe.Parse(ContainerOutput);

        Assert.Equal("net:[4026532500]", reading.Namespace);
        Assert.Equal(["10.88.0.7"], reading.Addresses);
        Assert.Equal(["10.88.0.0/16"], reading.Subnets);
    }

    [Fact]
    public void Connect_SameNamespaceOrCommonSubnet_Reach_NetworkNoneAndFailedProbesDoNot()
    {
        SandboxNetwork Net(string name, string? ns, string network = "default", string? detail = null, params string[] subnets) =>
            new(name, "vm", network, [], subnets, ns, [], detail);
        var sandboxes = new[]
        {
            Net("a", "net:[1]", subnets: "10.88.0.0/16"),
            Net("b", "net:[2]", subnets: "10.88.0.0/16"),
            Net("c", "net:[3]", "none", null, "10.88.0.0/16"),
            Net("d", "net:[1]"),
            Net("e", null, detail: "stopped", subnets: "10.88.0.0/16"),
        };

        var reaches = NetworkProbe.Connect(sandboxes).ToDictionary(s => s.Sandbox, s => s.Reaches);

        Assert.Equal(["b", "d"], reaches["a"]);
        Assert.Equal(["a"], reaches["b"]);
        Assert.Empty(reaches["c"]);
        Assert.Equal(["a"], reaches["d"]);
        Assert.Empty(reaches["e"]);
    }
}
