using System.Formats.Tar;
using SandboxMcp.Common;
using SandboxMcp.Transfer;

namespace SandboxMcp.Tests.Transfer;

public sealed class TarExtractorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sbx-extract-");

    private string Staging => Path.Combine(_root.FullName, "staging");

    private string Outside => Path.Combine(_root.FullName, "outside");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Delete(recursive: true);

    private async Task<TarExtractor> ExtractAsync(params TarEntry[] entries)
    {
        Directory.CreateDirectory(Staging);
        Directory.CreateDirectory(Outside);
        using var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                await writer.WriteEntryAsync(entry, Ct);
            }
        }

        archive.Position = 0;
        var extractor = new TarExtractor(Staging);
        await using var reader = new TarReader(archive);
        extractor.Extract(reader, Ct);
        return extractor;
    }

    private static GnuTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0x1A4) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)), Mode = mode };

    private static GnuTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    [Fact]
    public async Task Extract_Tree_KeepsContentModesAndLinksWithoutSetIdBits()
    {
        var extractor = await ExtractAsync(
            new GnuTarEntry(TarEntryType.Directory, "./") { Mode = (UnixFileMode)0x1ED },
            new GnuTarEntry(TarEntryType.Directory, "./bin/") { Mode = (UnixFileMode)0x1C0 },
            File("./bin/tool", "#!/bin/sh\n", (UnixFileMode)0x9ED), // 04755
            Link(TarEntryType.SymbolicLink, "./tool", "bin/tool"),
            Link(TarEntryType.HardLink, "./copy", "bin/tool"));

        Assert.True(extractor.HasRoot);
        Assert.Equal("#!/bin/sh\n", System.IO.File.ReadAllText(Path.Combine(Staging, "bin", "tool")));
        Assert.Equal((UnixFileMode)0x1ED, System.IO.File.GetUnixFileMode(Path.Combine(Staging, "bin", "tool")));
        Assert.Equal("bin/tool", new FileInfo(Path.Combine(Staging, "tool")).LinkTarget);
        Assert.Equal("#!/bin/sh\n", System.IO.File.ReadAllText(Path.Combine(Staging, "copy")));
        Assert.Equal((UnixFileMode)0x1C0, extractor.DirectoryModes["bin"]);
        Assert.Equal(2, extractor.Counts.Files);
        Assert.Equal(1, extractor.Counts.Links);
    }

    public static TheoryData<string> Escapes => ["dotdot", "absolute", "symlink-dir-then-file", "symlink-then-overwrite", "hardlink-out", "hardlink-absolute", "duplicate"];

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task Extract_EntryLandingOutside_IsRefusedAndNothingLandsOutside(string attack)
    {
        TarEntry[] entries = attack switch
        {
            "dotdot" => [File("../outside/x", "x")],
            "absolute" => [File(Path.Combine(Outside, "x"), "x")],
            "symlink-dir-then-file" => [Link(TarEntryType.SymbolicLink, "l", Outside), File("l/x", "x")],
            "symlink-then-overwrite" => [Link(TarEntryType.SymbolicLink, "l", Path.Combine(Outside, "x")), File("l", "x")],
            "hardlink-out" => [Link(TarEntryType.HardLink, "h", "../outside/secret")],
            "hardlink-absolute" => [Link(TarEntryType.HardLink, "h", "/etc/hostname")],
            _ => [File("a", "1"), File("a", "2")],
        };

        var error = await Assert.ThrowsAsync<SandboxException>(() => ExtractAsync(entries));

        Assert.Contains("Refused archive entry", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Outside));
    }

    [Fact]
    public async Task Extract_Fifo_IsSkippedAndCounted()
    {
        var extractor = await ExtractAsync(new GnuTarEntry(TarEntryType.Fifo, "pipe"), File("f", "f"));

        Assert.Equal(1, extractor.Counts.Skipped);
        Assert.False(Path.Exists(Path.Combine(Staging, "pipe")));
        Assert.Equal(["f"], extractor.TopLevel);
    }
}
