using System.Diagnostics;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

public sealed class SnapshotScriptsTests
{
    [Fact]
    public void ExportRoot_LeavesOutKernelFileSystemsEngineFilesAndVolumes()
    {
        var args = SnapshotScripts.ExportRoot(SnapshotScripts.RootExclusions(["/workspace", "/var/cache/apt"]));

        Assert.Equal(["tar", "-C", "/", "-cpf", "-"], args.Take(5));
        Assert.Equal(".", args[^1]);
        Assert.Contains("--exclude=./proc", args);
        Assert.Contains("--exclude=./etc/resolv.conf", args);
        Assert.Contains("--exclude=./workspace", args);
        Assert.Contains("--exclude=./var/cache/apt", args);
        Assert.Contains("--exclude=./var/lib/sandbox-mcp/snapshot", args);
    }

    [Fact]
    public void TarContainerfile_LaysTheArchiveOverTheBaseAndKeepsTheWorkspaceArchive()
    {
        var text = SnapshotScripts.TarContainerfile("localhost/base:1", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });

        Assert.Equal(
            "FROM localhost/base:1\nCOPY rootfs.tar workspace.tar /var/lib/sandbox-mcp/snapshot/\n"
            + "RUN tar -C / -xpf /var/lib/sandbox-mcp/snapshot/rootfs.tar && rm -f /var/lib/sandbox-mcp/snapshot/rootfs.tar\n"
            + "LABEL \"a\"=\"1\"\nLABEL \"b\"=\"2\"\n",
            text);
    }

    [Fact(Timeout = 15_000)]
    public async Task PackThenUnpack_RoundTripsAWorkspace_WhereTheScriptsHaveRoot()
    {
        // The scripts use the fixed in-container path /var/lib/sandbox-mcp/snapshot; run them only where we may write it.
        if (!Environment.UserName.Equals("root", StringComparison.Ordinal) || File.Exists(SnapshotScripts.WorkspaceArchive))
        {
            Assert.Skip("needs root and an unused /var/lib/sandbox-mcp/snapshot");
        }

        var source = Directory.CreateTempSubdirectory("sbx-pack-").FullName;
        var target = Directory.CreateTempSubdirectory("sbx-unpack-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(source, "sub"));
            await File.WriteAllTextAsync(Path.Combine(source, "sub", "file.txt"), "content", TestContext.Current.CancellationToken);

            Assert.Equal(0, await ShAsync(SnapshotScripts.PackWorkspace, source));
            Assert.Equal(0, await ShAsync(SnapshotScripts.UnpackWorkspace, target));

            Assert.Equal("content", await File.ReadAllTextAsync(Path.Combine(target, "sub", "file.txt"), TestContext.Current.CancellationToken));
            Assert.False(File.Exists(SnapshotScripts.WorkspaceArchive));
        }
        finally
        {
            Directory.Delete(source, true);
            Directory.Delete(target, true);
        }
    }

    private static async Task<int> ShAsync(string script, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", script, "test", argument } })!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return process.ExitCode;
    }
}
