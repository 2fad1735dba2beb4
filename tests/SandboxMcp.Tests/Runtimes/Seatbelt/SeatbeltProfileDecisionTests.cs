using SandboxMcp.Runtimes.Seatbelt;

namespace SandboxMcp.Tests.Runtimes.Seatbelt;

/// <summary>What the generated profiles decide, evaluated with Seatbelt's last-rule-wins semantics.</summary>
public sealed class SeatbeltProfileDecisionTests
{
    private static SbplEvaluator CreateSut() => new(SeatbeltProfile.From(PolicySamples.HomeReadable));

    [Theory]
    [InlineData("/Users/me/.ssh/id_rsa")]
    [InlineData("/Users/me/.ssh")]
    [InlineData("/Users/me/.aws/credentials")]
    [InlineData("/Users/me/project/.env")]
    public void Read_DeniedPathUnderABroaderAllow_IsDenied(string path)
    {
        var sut = CreateSut();

        Assert.True(sut.Allows("file-read-data", "/Users/me/notes.txt"), "the broader allow (HOME readable) must be in force");
        Assert.False(sut.Allows("file-read-data", path));
        Assert.False(sut.Allows("file-write-data", path));
    }

    [Fact]
    public void Write_DeniedPathInsideAWritableRoot_IsDeniedWhileTheRootIsWritable()
    {
        var sut = CreateSut();

        Assert.True(sut.Allows("file-write-data", "/Users/me/project/src/main.c"));
        Assert.False(sut.Allows("file-write-data", "/Users/me/project/.env"));
    }

    [Fact]
    public void Write_ReadOnlyAndSystemPaths_AreDenied()
    {
        var sut = CreateSut();

        Assert.False(sut.Allows("file-write-data", "/Users/me/notes.txt"));
        Assert.False(sut.Allows("file-write-data", "/usr/bin/env"));
        Assert.True(sut.Allows("file-read-data", "/usr/bin/env"));
        Assert.False(sut.Allows("file-read-data", "/Applications/Secrets.app/x"));
    }

    [Fact]
    public void StateDirectory_IsHiddenApartFromTheSandboxOwnDirectory()
    {
        var sut = CreateSut();

        Assert.False(sut.Allows("file-read-data", "/Users/me/.local/state/sandbox-mcp/state.json"));
        Assert.False(sut.Allows("file-read-data", "/Users/me/.local/state/sandbox-mcp/seatbelt/other/file"));
        Assert.True(sut.Allows("file-write-data", "/Users/me/.local/state/sandbox-mcp/seatbelt/default/file"));
        Assert.True(sut.Allows("file-write-data", "/Users/me/.local/state/sandbox-mcp/seatbelt/default/.tmp/x"));
    }

    [Fact]
    public void Rename_FolderHoldingADeniedPathInsideAWritableRoot_IsDenied()
    {
        var sut = new SbplEvaluator(SeatbeltProfile.From(PolicySamples.Extras));

        Assert.False(sut.Allows("file-write-unlink", "/Users/me/src/naïve-日本/secrets"));
        Assert.True(sut.Allows("file-write-unlink", "/Users/me/src/naïve-日本/other"));
    }
}
