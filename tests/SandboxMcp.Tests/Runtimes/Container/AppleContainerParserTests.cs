using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

/// <summary>Apple <c>container</c> output parsers against the golden documents of every JSON shape (Golden/AppleContainer/).</summary>
public sealed class AppleContainerParserTests
{
    private static AppleContainerCli CreateSut() => new();

    [Fact]
    public void ParseInspect_OnePointZeroPretty_ReadsStateLabelsImageAddressAndIsoDate()
    {
        var info = CreateSut().ParseInspect(GoldenFiles.Output("AppleContainer/inspect-1.0.json"));

        Assert.NotNull(info);
        Assert.Equal("mcp-sb-0123456789-web", info.Name);
        Assert.True(info.IsRunning);
        Assert.Equal("0123456789", info.Labels["sandbox-mcp.owner"]);
        Assert.Equal("localhost/sandbox-mcp-base:bookworm", info.Image);
        Assert.Equal("192.168.64.3", info.IpAddress);
        Assert.Equal(new DateTimeOffset(2026, 8, 1, 10, 0, 0, TimeSpan.Zero), info.StartedAt);
    }

    [Fact]
    public void ParseInspect_MissingBeforeOnePointZero_IsEmptyArrayWithExitZeroAndMeansMissing()
    {
        Assert.Null(CreateSut().ParseInspect(GoldenFiles.Output("AppleContainer/inspect-missing-0.12.json")));
    }

    [Fact]
    public void ParseInspect_MissingFromOnePointZero_IsNotFoundErrorAndMeansMissing()
    {
        var output = new CommandOutput(1, "", "Error: notFound: \"container not found: mcp-sb-0123456789-web\"");

        Assert.Null(CreateSut().ParseInspect(output));
        Assert.True(CreateSut().IsNotFound(output));
    }

    [Fact]
    public void ParseList_OnePointZero_KeepsOnlyTheOwnersContainersWithTheirState()
    {
        var containers = CreateSut().ParseList(GoldenFiles.Output("AppleContainer/list-1.0.json"), "sandbox-mcp.owner", "0123456789");

        var ours = Assert.Single(containers);
        Assert.Equal("mcp-sb-0123456789-web", ours.Name);
        Assert.Equal("running", ours.State);
        Assert.Equal("web", ours.Labels["sandbox-mcp.sandbox"]);
    }

    [Fact]
    public void ParseList_PointNine_ReadsStringStatusTopLevelNetworksAndReferenceDateSeconds()
    {
        var containers = CreateSut().ParseList(GoldenFiles.Output("AppleContainer/list-0.9.json"), "sandbox-mcp.owner", "0123456789");

        Assert.Equal(["mcp-sb-0123456789-web", "mcp-sb-0123456789-old"], containers.Select(c => c.Name));
        var web = containers[0];
        Assert.Equal("running", web.State);
        Assert.Equal("192.168.64.10", web.IpAddress);
        // 776338800.123 s after 2001-01-01T00:00:00Z (Apple's reference date) = Unix 1754646000.123.
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_754_646_000_123), web.StartedAt);
        Assert.Equal("stopped", containers[1].State);
        Assert.False(containers[1].IsRunning);
        Assert.Null(containers[1].StartedAt);
    }

    [Fact]
    public void ParseList_PointSix_ReadsTheOldAddressField()
    {
        var web = Assert.Single(CreateSut().ParseList(GoldenFiles.Output("AppleContainer/list-0.6.json"), "sandbox-mcp.owner", "0123456789"));

        Assert.Equal("192.168.64.3", web.IpAddress);
        Assert.Equal("localhost/sandbox-mcp-base:bookworm", web.Image);
    }

    [Fact]
    public void ParseList_ApiServerDown_IsEmptyNotACrash()
    {
        var output = new CommandOutput(1, "", "Error: internalError: \"failed to list containers\" (cause: \"interrupted: \"XPC connection error: Connection invalid\"\")");

        Assert.Empty(CreateSut().ParseList(output, "sandbox-mcp.owner", "0123456789"));
    }

    [Theory]
    [InlineData("AppleContainer/status-table-1.2.txt", "apple container 1.2.2")]
    [InlineData("AppleContainer/status-text-0.5.txt", "apple container 0.5.0")]
    public void ParseProbe_Running_ReturnsTheApiServerVersion(string file, string expected)
    {
        Assert.Equal(expected, CreateSut().ParseProbe(GoldenFiles.Output(file)));
    }

    [Fact]
    public void ParseProbe_JsonRunning_ReturnsTheVersion()
    {
        var output = new CommandOutput(0, """{"apiServerVersion":"container-apiserver version 1.0.0 (build: release, commit: 1234abc)","status":"running","appRoot":"\/Users\/me"}""", "");

        Assert.Equal("apple container 1.0.0", CreateSut().ParseProbe(output));
    }

    [Fact]
    public void ParseProbe_ApiServerDown_ExitsOneAndIsNotAnEngine()
    {
        Assert.Null(CreateSut().ParseProbe(GoldenFiles.Output("AppleContainer/status-down.txt", exitCode: 1)));
    }

    [Fact]
    public void ParseStats_OnePointZero_ReadsMemoryAndProcessesButClaimsNoCpuPercentFromOneSample()
    {
        var stats = CreateSut().ParseStats(GoldenFiles.Output("AppleContainer/stats-1.0.json"));

        Assert.Equal(new ContainerStats(null, 47_431_680, 536_870_912, 3), stats);
    }

    [Fact]
    public void ParseImages_OnePointZero_ReadsNameIdSumOfVariantsAndDate()
    {
        var image = Assert.Single(CreateSut().ParseImages(GoldenFiles.Output("AppleContainer/images-1.0.json")));

        Assert.Equal("localhost/sandbox-mcp-base:bookworm", image.Name);
        Assert.Equal("aaaabbbbcccc", image.Id);
        Assert.Equal(96_000_000, image.SizeBytes);
        Assert.Equal(new DateTimeOffset(2026, 8, 1, 9, 0, 0, TimeSpan.Zero), image.CreatedAt);
    }

    [Fact]
    public void ParseImages_PointTwelve_ReadsReferenceDigestAndDisplaySize()
    {
        var image = Assert.Single(CreateSut().ParseImages(GoldenFiles.Output("AppleContainer/images-0.12.json")));

        Assert.Equal("docker.io/library/python:alpine", image.Name);
        Assert.Equal("b4d299311845", image.Id);
        Assert.Equal(12_300_000, image.SizeBytes);
    }

    [Theory]
    [InlineData("Error: XPC timeout for request to com.apple.container.apiserver/containerList", true)]
    [InlineData("Error: internalError: \"failed to list containers\" (cause: \"interrupted: \"XPC connection error: Connection interrupted\"\")", true)]
    [InlineData("Error: invalidArgument: \"invalid entity name x\"", false)]
    [InlineData("Error: exists: \"container with id mcp-sb-0123456789-web already exists\"", false)]
    public void IsTransient_OnlyForErrorsThatPassOnRetry(string stderr, bool transient)
    {
        Assert.Equal(transient, CreateSut().IsTransient(new CommandOutput(1, "", stderr)));
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.25, "1")]
    [InlineData(2.5, "3")]
    [InlineData(4, "4")]
    public void Cpus_AreWholeNumbersRoundedUpAndAtLeastOne(double cpus, string expected)
    {
        Assert.Equal(expected, AppleContainerCli.Cpus(cpus));
    }

    [Theory]
    [InlineData(512L << 20, "512M")]
    [InlineData(2L << 30, "2048M")]
    [InlineData(1L << 20, "1M")]
    [InlineData((1L << 20) + 1, "2M")]
    [InlineData(4L << 20, "4M")]
    public void Memory_AlwaysCarriesAUnitAndRoundsUpToWholeMebibytes(long bytes, string expected)
    {
        Assert.Equal(expected, AppleContainerCli.Memory(bytes));
    }
}
