using SandboxMcp.Common;

namespace SandboxMcp.Tests.Common;

public sealed class HostPathsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sbx-hostpaths-").FullName;

    [Fact]
    public void ResolveDirectory_InsideARoot_ReturnsTheRealPath()
    {
        var project = Directory.CreateDirectory(Path.Combine(_root, "project")).FullName;
        File.CreateSymbolicLink(Path.Combine(_root, "link"), project);

        Assert.Equal(project, HostPaths.ResolveDirectory(Path.Combine(_root, "link"), [_root], "context"));
    }

    [Fact]
    public void ResolveDirectory_SymlinkLeadingOutOfTheRoot_IsRefused()
    {
        var inside = Directory.CreateDirectory(Path.Combine(_root, "allowed")).FullName;
        File.CreateSymbolicLink(Path.Combine(inside, "escape"), "/etc");

        var ex = Assert.Throws<SandboxException>(() => HostPaths.ResolveDirectory(Path.Combine(inside, "escape"), [inside], "context"));

        Assert.Contains("outside the host roots", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveDirectory_Missing_SaysItIsNotADirectory()
    {
        var ex = Assert.Throws<SandboxException>(() => HostPaths.ResolveDirectory(Path.Combine(_root, "nope"), [_root], "context"));

        Assert.Contains("not a directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveDirectory_TheHomeDirectoryWithCredentials_IsRefused()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        Directory.CreateDirectory(Path.Combine(home, ".ssh"));

        var ex = Assert.Throws<SandboxException>(() => HostPaths.ResolveDirectory("~", ["/"], "context", home));
        var inside = Assert.Throws<SandboxException>(() => HostPaths.ResolveDirectory("~/.ssh", ["/"], "context", home));

        Assert.Contains("credential folder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("credential folder", inside.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
