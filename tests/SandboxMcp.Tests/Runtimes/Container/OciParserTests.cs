using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

/// <summary>podman and docker output parsers against output captured from podman 4.3.1 and Docker Engine 20.10 (Golden/Podman, Golden/Docker).</summary>
public sealed class OciParserTests
{
    public static TheoryData<string> Engines => ["Podman", "Docker"];

    private static OciCli Dialect(string engine) => engine == "Podman" ? new PodmanCli(new Dictionary<string, string>()) : new DockerCli();

    [Theory]
    [MemberData(nameof(Engines))]
    public void ParseInspect_RunningContainer_ReadsNameStateLabelsImageAndAddress(string engine)
    {
        var info = Dialect(engine).ParseInspect(GoldenFiles.Output($"{engine}/inspect-running.json"));

        Assert.NotNull(info);
        Assert.Equal("mcp-sb-0123456789-web", info.Name);
        Assert.True(info.IsRunning);
        Assert.Equal("web", info.Labels["sandbox-mcp.sandbox"]);
        Assert.Equal("localhost/sandbox-mcp-base:bookworm", info.Image);
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", info.IpAddress);
        Assert.NotNull(info.StartedAt);
    }

    [Theory]
    [InlineData("Podman", 125)]
    [InlineData("Docker", 1)]
    public void ParseInspect_MissingContainer_IsNullAndNotFound(string engine, int exitCode)
    {
        var output = new CommandOutput(exitCode, GoldenFiles.Text(engine, "inspect-missing.json"), GoldenFiles.Text(engine, "inspect-missing.stderr"));

        Assert.Null(Dialect(engine).ParseInspect(output));
        Assert.True(Dialect(engine).IsNotFound(output));
    }

    [Theory]
    [InlineData("Podman", "ps.json")]
    [InlineData("Docker", "ps.jsonl")]
    public void ParseList_KeepsTheOwnersContainers(string engine, string file)
    {
        var cli = Dialect(engine);

        var ours = Assert.Single(cli.ParseList(GoldenFiles.Output($"{engine}/{file}"), "sandbox-mcp.owner", "0123456789"));
        var others = cli.ParseList(GoldenFiles.Output($"{engine}/{file}"), "sandbox-mcp.owner", "someone-else");

        Assert.Equal("mcp-sb-0123456789-web", ours.Name);
        Assert.Equal("running", ours.State);
        Assert.Empty(others);
    }

    [Theory]
    [InlineData("Podman", "stats.json")]
    [InlineData("Docker", "stats.jsonl")]
    public void ParseStats_ReadsMemoryCpuAndProcesses(string engine, string file)
    {
        var stats = Dialect(engine).ParseStats(GoldenFiles.Output($"{engine}/{file}"));

        Assert.NotNull(stats);
        Assert.InRange(stats.MemoryBytes!.Value, 100_000, 50_000_000);
        Assert.InRange(stats.MemoryLimitBytes!.Value, 500_000_000, 600_000_000);
        Assert.Equal(2, stats.Pids);
        Assert.NotNull(stats.CpuPercent);
    }

    [Theory]
    [InlineData("Podman", "images.json")]
    [InlineData("Docker", "images.jsonl")]
    public void ParseImages_ReadsTheBaseImageWithSizeAndDate(string engine, string file)
    {
        var image = Assert.Single(Dialect(engine).ParseImages(GoldenFiles.Output($"{engine}/{file}")), i => i.Name == "localhost/sandbox-mcp-base:bookworm");

        Assert.Equal(12, image.Id.Length);
        Assert.InRange(image.SizeBytes!.Value, 250_000_000, 300_000_000);
        Assert.Equal(new DateTime(2026, 11, 23), image.CreatedAt!.Value.UtcDateTime.Date);
    }

    [Theory]
    [InlineData("Error: creating container storage: the container name \"x\" is already in use: database is locked", true)]
    [InlineData("Error: error acquiring lock 0 for volume x: resource temporarily unavailable", true)]
    [InlineData("Error: route ip+net: no such network interface", true)]
    [InlineData("Error: localhost/nope:1: image not known", false)]
    [InlineData("docker: Error response from daemon: Conflict. The container name \"/x\" is already in use by container \"abc\".", false)]
    public void IsTransient_RetriesLocksButNotPermanentFailures(string stderr, bool transient)
    {
        Assert.Equal(transient, Dialect("Podman").IsTransient(new CommandOutput(125, "", stderr)));
    }

    [Theory]
    [InlineData("Error: image used by 3f16d596d8f8: image is in use by a container", true)]
    [InlineData("Error response from daemon: conflict: unable to remove repository reference \"x\" (must force) - container 5a0 is using its referenced image da7", true)]
    [InlineData("Error: x: image not known", false)]
    public void IsInUse_RecognisesBothEngines(string stderr, bool inUse)
    {
        Assert.Equal(inUse, Dialect("Docker").IsInUse(new CommandOutput(1, "", stderr)));
    }
}
