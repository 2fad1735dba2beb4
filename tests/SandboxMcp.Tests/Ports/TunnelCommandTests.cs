using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class TunnelCommandTests
{
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

    [Fact]
    public void Argv_Python_IsNotPerConnection_TheMuxCarriesIt() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TunnelCommand.Argv(TunnelKind.Python, 8000));
}
