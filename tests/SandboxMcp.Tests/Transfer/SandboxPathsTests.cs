using SandboxMcp.Transfer;

namespace SandboxMcp.Tests.Transfer;

public sealed class SandboxPathsTests
{
    [Theory]
    [InlineData("a/b", "/workspace", "/workspace/a/b")]
    [InlineData("/abs/./x/", "/workspace", "/abs/x")]
    [InlineData("../up", "/workspace/sub", "/workspace/up")]
    [InlineData("../../../..", "/w", "/")]
    [InlineData(".", "/w", "/w")]
    public void Absolute_Path_IsResolvedLexically(string path, string cwd, string expected) =>
        Assert.Equal(expected, SandboxPaths.Absolute(path, cwd));
}
