using System.Text;
using NSubstitute;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Transfer;

namespace SandboxMcp.Tests.Transfer;

public sealed class SandboxFilesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (IProcessLauncher Launcher, FakeProcess Process) Serving(string stdout, string stderr = "", int exitCode = 0)
    {
        var process = new FakeProcess(Encoding.UTF8.GetBytes(stdout), Encoding.UTF8.GetBytes(stderr), exitCode);
        var launcher = Substitute.For<IProcessLauncher>();
        launcher.StartAsync(Arg.Any<ProcessSpec>(), Arg.Any<CancellationToken>()).Returns(process);
        return (launcher, process);
    }

    [Fact]
    public async Task Read_WholeFile_ReturnsItWithLineCount()
    {
        var (launcher, _) = Serving("a\nb\nc");

        var result = await SandboxFiles.ReadAsync(launcher, "f", 1, null, 1000, null, Ct);

        Assert.Equal(new FileReadResult("a\nb\nc", 1, 3, false, null, 3), result);
    }

    [Fact]
    public async Task Read_OffsetAndLimit_StopsTheReaderEarly()
    {
        var (launcher, process) = Serving(string.Concat(Enumerable.Range(1, 100).Select(i => $"{i}\n")));

        var result = await SandboxFiles.ReadAsync(launcher, "f", 5, 2, 1000, null, Ct);

        Assert.Equal(new FileReadResult("5\n6\n", 5, 2, true, 7, null), result);
        Assert.True(process.Killed);
    }

    [Fact]
    public async Task Read_ByteCapMidLine_ContinuesFromThatLine()
    {
        var (launcher, _) = Serving("1111\n2222\n3333\n");

        var result = await SandboxFiles.ReadAsync(launcher, "f", 1, null, 7, null, Ct);

        Assert.Equal("1111\n22", result.Content);
        Assert.True(result.Truncated);
        Assert.Equal(2, result.NextOffset);
    }

    [Fact]
    public async Task Read_SingleLineLongerThanCap_ContinuesPastIt()
    {
        var (launcher, _) = Serving(new string('x', 50) + "\nnext\n");

        var result = await SandboxFiles.ReadAsync(launcher, "f", 1, null, 10, null, Ct);

        Assert.Equal(10, result.Content.Length);
        Assert.Equal(2, result.NextOffset);
    }

    [Fact]
    public async Task Read_EmptyFile_IsEmptyWithZeroLines()
    {
        var (launcher, _) = Serving("");

        var result = await SandboxFiles.ReadAsync(launcher, "f", 1, null, 10, null, Ct);

        Assert.Equal(new FileReadResult("", 1, 0, false, null, 0), result);
    }

    [Fact]
    public async Task Read_BinaryContent_IsRefusedWithAHint()
    {
        var (launcher, _) = Serving("\0\u0001binary");

        var ex = await Assert.ThrowsAsync<SandboxException>(() => SandboxFiles.ReadAsync(launcher, "f.bin", 1, null, 100, null, Ct));

        Assert.Contains("looks binary", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ScriptFails_ErrorCarriesItsMessage()
    {
        var (launcher, _) = Serving("", "f does not exist\n", 2);

        var ex = await Assert.ThrowsAsync<SandboxException>(() => SandboxFiles.ReadAsync(launcher, "f", 1, null, 100, null, Ct));

        Assert.Equal("Could not read f: f does not exist", ex.Message);
    }

    [Fact]
    public async Task Write_PassesThePathAsAnArgumentAndContentOnStdin()
    {
        var (launcher, process) = Serving("");

        await SandboxFiles.WriteAsync(launcher, "dir/it's $(x).txt", "content"u8.ToArray(), "/cwd", Ct);

        await launcher.Received(1).StartAsync(
            Arg.Is<ProcessSpec>(p => p.Argv.Count == 5 && p.Argv[0] == "sh" && p.Argv[4] == "dir/it's $(x).txt" && p.WorkingDirectory == "/cwd"),
            Arg.Any<CancellationToken>());
        Assert.Equal("content", Encoding.UTF8.GetString(((MemoryStream)process.StandardInput).ToArray()));
    }
}
