using SandboxMcp.Common;
using SandboxMcp.Transfer;

namespace SandboxMcp.Tests.Transfer;

public sealed class StagedMergeTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sbx-merge-");

    private string In(params string[] parts) => Path.Combine([_root.FullName, .. parts]);

    public void Dispose() => _root.Delete(recursive: true);

    private static readonly Dictionary<string, UnixFileMode> NoModes = [];

    [Fact]
    public void MergeDirectory_ExistingFileWithoutOverwrite_RefusesAndMovesNothing()
    {
        Directory.CreateDirectory(In("staged", "sub"));
        File.WriteAllText(In("staged", "new.txt"), "new");
        File.WriteAllText(In("staged", "sub", "same.txt"), "staged");
        Directory.CreateDirectory(In("target", "sub"));
        File.WriteAllText(In("target", "sub", "same.txt"), "host");

        var error = Assert.Throws<SandboxException>(() => StagedMerge.MergeDirectory(In("staged"), In("target"), overwrite: false, NoModes));

        Assert.Contains("sub/same.txt", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(In("target", "new.txt")));
        Assert.Equal("host", File.ReadAllText(In("target", "sub", "same.txt")));
    }

    [Fact]
    public void MergeDirectory_HostSymlinkWithOverwrite_ReplacesTheLinkNotItsTarget()
    {
        Directory.CreateDirectory(In("staged"));
        File.WriteAllText(In("staged", "f"), "staged");
        Directory.CreateDirectory(In("target"));
        File.WriteAllText(In("victim"), "victim");
        File.CreateSymbolicLink(In("target", "f"), In("victim"));

        StagedMerge.MergeDirectory(In("staged"), In("target"), overwrite: true, NoModes);

        Assert.Equal("victim", File.ReadAllText(In("victim")));
        Assert.Null(new FileInfo(In("target", "f")).LinkTarget);
        Assert.Equal("staged", File.ReadAllText(In("target", "f")));
    }

    [Fact]
    public void MergeDirectory_HostSymlinkedDirectory_IsNeverEntered()
    {
        Directory.CreateDirectory(In("staged", "d"));
        File.WriteAllText(In("staged", "d", "x"), "x");
        Directory.CreateDirectory(In("target"));
        Directory.CreateDirectory(In("elsewhere"));
        File.CreateSymbolicLink(In("target", "d"), In("elsewhere"));

        Assert.Throws<SandboxException>(() => StagedMerge.MergeDirectory(In("staged"), In("target"), overwrite: false, NoModes));

        Assert.Empty(Directory.GetFileSystemEntries(In("elsewhere")));
    }

    [Fact]
    public void MergeDirectory_MissingTarget_IsCreatedWithTheArchiveModes()
    {
        Directory.CreateDirectory(In("staged", "d"));

        StagedMerge.MergeDirectory(In("staged"), In("target"), overwrite: false, new Dictionary<string, UnixFileMode> { [""] = (UnixFileMode)0x1C0, ["d"] = (UnixFileMode)0x1E8 });

        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(In("target")));
        Assert.Equal((UnixFileMode)0x1E8, File.GetUnixFileMode(In("target", "d")));
        Assert.False(Directory.Exists(In("staged")));
    }
}
