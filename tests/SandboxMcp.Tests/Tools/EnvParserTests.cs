using SandboxMcp.Tools;

namespace SandboxMcp.Tests.Tools;

public sealed class EnvParserTests
{
    [Fact]
    public void Parse_MultiLineValue_ContinuesThePreviousVariable()
    {
        var parsed = EnvParser.Parse("A=1\nMULTI=first\nsecond line\nB=x=y\n");

        Assert.Equal("1", parsed["A"]);
        Assert.Equal("first\nsecond line", parsed["MULTI"]);
        Assert.Equal("x=y", parsed["B"]);
    }
}
