using SandboxMcp.Common;
using SandboxMcp.Transfer;

namespace SandboxMcp.Tests.Transfer;

public sealed class TarPathsTests
{
    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("./a//b/", "a/b")]
    [InlineData("./", "")]
    [InlineData(".", "")]
    [InlineData("dir/./file", "dir/file")]
    [InlineData("..a/b..c", "..a/b..c")]
    public void Normalize_SafeName_ReturnsCleanRelativePath(string name, string expected) =>
        Assert.Equal(expected, TarPaths.Normalize(name));

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a/..")]
    [InlineData("/etc/passwd")]
    [InlineData("//x")]
    [InlineData("a\0b")]
    [InlineData("")]
    public void Normalize_EscapingName_IsRefused(string name)
    {
        var error = Assert.Throws<SandboxException>(() => TarPaths.Normalize(name));

        Assert.Contains("Refused archive entry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HardLinkTarget_Empty_IsRefused() =>
        Assert.Throws<SandboxException>(() => TarPaths.HardLinkTarget("h", "./"));
}
