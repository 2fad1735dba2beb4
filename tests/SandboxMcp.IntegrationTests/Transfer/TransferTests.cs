using System.Collections.Concurrent;
using System.Security.Cryptography;
using ModelContextProtocol;
using SandboxMcp.IntegrationTests.Infrastructure;
using SandboxMcp.IntegrationTests.Vm;

namespace SandboxMcp.IntegrationTests.Transfer;

/// <summary>
/// upload, download, git_clone and sync end to end through a real MCP client, written once on StartProcess: each
/// tier runs the same suite by deriving from this class. Host paths live under the server's HOME, its working
/// directory and so its only host root.
/// </summary>
public abstract partial class TransferTests : ServerTest
{
    /// <summary>A host path under the server's host root.</summary>
    protected string HostPath(params string[] parts) => Path.Combine([Server.Home, .. parts]);

    [Fact(Timeout = 180_000)]
    public async Task Upload_FiftyMegabyteBinary_DownloadsBackByteIdentical()
    {
        var source = HostPath("in", "big.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        var data = RandomNumberGenerator.GetBytes(50 * 1024 * 1024);
        await File.WriteAllBytesAsync(source, data, Ct);
        var expected = Convert.ToHexStringLower(SHA256.HashData(data));

        var progress = new ConcurrentQueue<ProgressNotificationValue>();

        var up = new ToolOutcome(await Server.Client.CallToolAsync("upload", new Dictionary<string, object?> { ["host_path"] = source, ["path"] = "data/big.bin" }, new SyncProgress(progress), cancellationToken: Ct));
        var inside = await Server.ExecAsync("sha256sum data/big.bin | cut -d' ' -f1", cancellationToken: Ct);
        var down = new ToolOutcome(await Server.Client.CallToolAsync("download", new Dictionary<string, object?> { ["path"] = "data/big.bin", ["host_path"] = HostPath("out", "big.bin") }, new SyncProgress(progress), cancellationToken: Ct));

        Assert.Equal(expected, inside.Stdout.Trim());
        Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(HostPath("out", "big.bin"), Ct))));
        Assert.Equal(data.Length, up.Number("bytes"));
        Assert.Equal(data.Length, down.Number("bytes"));
        Assert.Equal("file", down.Get("kind"));
        Assert.Contains(progress, p => p.Message?.StartsWith("upload to ", StringComparison.Ordinal) == true && p.Message.Contains("50.0 MB", StringComparison.Ordinal));
        Assert.Contains(progress, p => p.Message?.StartsWith("download ", StringComparison.Ordinal) == true);
    }

    [Fact(Timeout = 120_000)]
    public async Task Upload_TreeWithModesAndSymlink_RoundTripsThroughDownload()
    {
        var tree = HostPath("tree");
        Directory.CreateDirectory(Path.Combine(tree, "bin"));
        Directory.CreateDirectory(Path.Combine(tree, "empty"));
        await File.WriteAllTextAsync(Path.Combine(tree, "bin", "run.sh"), "#!/bin/sh\necho ran\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(tree, "private.txt"), "mine\n", Ct);
        File.SetUnixFileMode(Path.Combine(tree, "bin", "run.sh"), (UnixFileMode)0x1ED); // 0755
        File.SetUnixFileMode(Path.Combine(tree, "private.txt"), (UnixFileMode)0x180); // 0600
        File.SetUnixFileMode(Path.Combine(tree, "empty"), (UnixFileMode)0x1C0); // 0700
        File.CreateSymbolicLink(Path.Combine(tree, "run"), "bin/run.sh");

        var up = await Server.CallOkAsync("upload", new { host_path = "tree", path = "proj" }, Ct);
        var inside = await Server.ExecAsync("stat -c '%a %n' proj/bin/run.sh proj/private.txt proj/empty; readlink proj/run; ./proj/run", cancellationToken: Ct);
        await Server.CallOkAsync("download", new { path = "proj", host_path = "back" }, Ct);

        Assert.Equal("755 proj/bin/run.sh\n600 proj/private.txt\n700 proj/empty\nbin/run.sh\nran\n", inside.Stdout);
        Assert.Equal(2, up.Number("files"));
        Assert.Equal(1, up.Number("links"));
        var back = HostPath("back");
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(back, "bin", "run.sh")));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(Path.Combine(back, "private.txt")));
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(Path.Combine(back, "empty")));
        Assert.Equal("bin/run.sh", new FileInfo(Path.Combine(back, "run")).LinkTarget);
        Assert.Equal("mine\n", await File.ReadAllTextAsync(Path.Combine(back, "private.txt"), Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task Upload_FileIntoExistingDirectory_KeepsItsName()
    {
        await File.WriteAllTextAsync(HostPath("notes.txt"), "n\n", Ct);
        await Server.ExecAsync("mkdir -p docs", cancellationToken: Ct);

        var up = await Server.CallOkAsync("upload", new { host_path = "notes.txt", path = "docs" }, Ct);
        var inside = await Server.ExecAsync("cat docs/notes.txt", cancellationToken: Ct);

        Assert.Equal("n\n", inside.Stdout);
        Assert.EndsWith("/docs/notes.txt", up.Get("path"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Download_ExistingHostFile_RefusedWithoutOverwriteAndReplacedWithIt()
    {
        await Server.ExecAsync("printf new > report.txt", cancellationToken: Ct);
        await File.WriteAllTextAsync(HostPath("report.txt"), "old", Ct);

        var refused = await Server.CallErrorAsync("download", new { path = "report.txt", host_path = "report.txt" }, Ct);
        var kept = await File.ReadAllTextAsync(HostPath("report.txt"), Ct);
        await Server.CallOkAsync("download", new { path = "report.txt", host_path = "report.txt", overwrite = true }, Ct);

        Assert.Contains("overwrite", refused, StringComparison.Ordinal);
        Assert.Equal("old", kept);
        Assert.Equal("new", await File.ReadAllTextAsync(HostPath("report.txt"), Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task Download_DirectoryOverExistingFiles_RefusedWholeWithoutOverwrite()
    {
        await Server.ExecAsync("mkdir -p site && printf a > site/a.txt && printf b > site/b.txt", cancellationToken: Ct);
        Directory.CreateDirectory(HostPath("site"));
        await File.WriteAllTextAsync(HostPath("site", "b.txt"), "host", Ct);

        var refused = await Server.CallErrorAsync("download", new { path = "site", host_path = "site" }, Ct);

        Assert.Contains("b.txt", refused, StringComparison.Ordinal);
        Assert.False(File.Exists(HostPath("site", "a.txt")), "nothing may be written when the download is refused");
        Assert.Equal(["b.txt"], Directory.GetFileSystemEntries(HostPath("site")).Select(Path.GetFileName));
    }

    [Fact(Timeout = 120_000)]
    public async Task UploadAndDownload_HostPathsOutsideTheRoots_AreRefused()
    {
        File.CreateSymbolicLink(HostPath("escape"), "/etc");

        var absolute = await Server.CallErrorAsync("upload", new { host_path = "/etc/hostname", path = "x" }, Ct);
        var climbing = await Server.CallErrorAsync("upload", new { host_path = "../../etc/hostname", path = "x" }, Ct);
        var throughLink = await Server.CallErrorAsync("upload", new { host_path = "escape/hostname", path = "x" }, Ct);
        var downloadOut = await Server.CallErrorAsync("download", new { path = "/etc/hostname", host_path = "escape/owned" }, Ct);

        Assert.All([absolute, climbing, throughLink, downloadOut], e => Assert.Contains("outside the host roots", e, StringComparison.Ordinal));
        Assert.False(File.Exists("/etc/owned"));
    }

    [Fact(Timeout = 120_000)]
    public async Task UploadAndDownload_MissingSources_SayWhatIsMissingAndWriteNothing()
    {
        var upload = await Server.CallErrorAsync("upload", new { host_path = "nothing-here", path = "x" }, Ct);
        var download = await Server.CallErrorAsync("download", new { path = "no/such/file", host_path = "fetched" }, Ct);

        Assert.Contains("does not exist", upload, StringComparison.Ordinal);
        Assert.Contains("does not exist", download, StringComparison.Ordinal);
        Assert.False(Path.Exists(HostPath("fetched")));
        Assert.Empty(Directory.GetFileSystemEntries(Server.Home, ".sandbox-mcp-download-*"));
    }

    [Fact(Timeout = 120_000)]
    public async Task BatchWrite_ManyFiles_ArriveExactlyThroughOneTarAndAreAudited()
    {
        var files = Enumerable.Range(0, 50).ToDictionary(i => $"many/d{i % 5}/f{i}.txt", i => $"file {i}\n" + new string('x', i));

        await Server.CallOkAsync("batch_write", new { files }, Ct);
        var check = await Server.ExecAsync("cat many/d3/f13.txt; find many -type f | wc -l; ls -A many/d0 | grep -c sandbox-mcp || true", cancellationToken: Ct);
        var history = await Server.CallOkAsync("history", cancellationToken: Ct);

        Assert.Equal("file 13\n" + new string('x', 13) + "50\n0\n", check.Stdout);
        Assert.Contains("batch_write\t50 files", history.Text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> EvilArchives => new()
    {
        // name, python that adds members to tarfile t
        { "dotdot", "add(t, '../../escaped.txt', b'x')" },
        { "absolute", "add(t, '/tmp/sbx-absolute-escape.txt', b'x')" },
        { "symlink-then-write", "link(t, 'link', '{OUTSIDE}', tarfile.SYMTYPE); add(t, 'link/pwned.txt', b'x')" },
        { "hardlink-out", "link(t, 'hard', '../../../etc/hostname', tarfile.LNKTYPE)" },
    };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(EvilArchives))]
    public async Task Download_ArchiveEscapingTheTarget_IsRefusedAndWritesNothing(string name, string members)
    {
        var outside = HostPath("outside");
        Directory.CreateDirectory(outside);
        // The sandbox is hostile: its tar answers every download with a crafted archive.
        var script = $$"""
            import io, tarfile
            def add(t, n, b):
                i = tarfile.TarInfo(n); i.size = len(b); t.addfile(i, io.BytesIO(b))
            def link(t, n, target, kind):
                i = tarfile.TarInfo(n); i.type = kind; i.linkname = target; t.addfile(i)
            with tarfile.open('/tmp/evil.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                add(t, 'fine.txt', b'fine')
                {{members.Replace("{OUTSIDE}", outside, StringComparison.Ordinal)}}
            """;
        await Server.CallOkAsync("write_file", new { path = "/tmp/evil.py", content = script }, Ct);
        var fake = await Server.ExecAsync(
            "python3 /tmp/evil.py && d=${PATH%%:*} && mkdir -p \"$d\" && printf '#!/bin/sh\\nexec cat /tmp/evil.tar\\n' > \"$d/tar\" && chmod +x \"$d/tar\" && mkdir -p victim && command -v tar",
            cancellationToken: Ct);
        Assert.Equal(0, fake.ExitCode);

        var refused = await Server.CallErrorAsync("download", new { path = "victim", host_path = "target" }, Ct);

        Assert.Contains("Refused archive entry", refused, StringComparison.Ordinal);
        Assert.False(Directory.Exists(HostPath("target")), $"{name}: the target must not be created");
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(Server.Home)!, "escaped.txt")));
        Assert.False(File.Exists("/tmp/sbx-absolute-escape.txt"));
        Assert.Empty(Directory.GetFileSystemEntries(Server.Home, ".sandbox-mcp-download-*"));
    }
}
