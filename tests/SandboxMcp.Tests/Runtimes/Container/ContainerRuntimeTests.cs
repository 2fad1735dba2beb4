using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Network;
using SandboxMcp.Runtimes;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

/// <summary>
/// The logic written once for every engine, against a substituted command runner and dialect: what it runs,
/// how often, and what it makes of failures. (The real engines are exercised by the integration tests.)
/// </summary>
public sealed class ContainerRuntimeTests
{
    private const string BaseImage = "localhost/sandbox-mcp-base:bookworm";
    private static readonly CommandOutput Ok = new(0, "", "");
    private readonly ICommandRunner _runner = Substitute.For<ICommandRunner>();
    private readonly IContainerCli _cli = Substitute.For<IContainerCli>();
    private readonly List<string> _commands = [];

    public ContainerRuntimeTests()
    {
        // Processes started inside "the container" run /bin/true: they succeed and print nothing.
        _cli.Engine.Returns("podman");
        _cli.Program.Returns("/bin/true");
        _cli.IsSupportedHere.Returns(true);
        _cli.MaxNameLength.Returns(128);
        _cli.SupportsNetworks.Returns(true);
        _cli.SupportsNoNetwork.Returns(true);
        _cli.SupportsCommit.Returns(true);
        _cli.AutoCreatesVolumes.Returns(true);
        _cli.Environment.Returns(new Dictionary<string, string>());
        _cli.Probe().Returns(["probe"]);
        _cli.ParseProbe(Arg.Any<CommandOutput>()).Returns("podman 4.3.1");
        _cli.Run(Arg.Any<ContainerRunSpec>()).Returns(c => ["run", c.Arg<ContainerRunSpec>().Name]);
        _cli.Inspect(Arg.Any<string>()).Returns(c => ["inspect", c.Arg<string>()]);
        _cli.Start(Arg.Any<string>()).Returns(c => ["start", c.Arg<string>()]);
        _cli.ImageExists(Arg.Any<string>()).Returns(c => ["image-exists", c.Arg<string>()]);
        _cli.NetworkExists(Arg.Any<string>()).Returns(["network-exists"]);
        _cli.Remove(Arg.Any<string>()).Returns(c => ["rm", c.Arg<string>()]);
        _cli.RemoveVolume(Arg.Any<string>()).Returns(c => ["volume-rm", c.Arg<string>()]);
        _cli.RemoveImage(Arg.Any<string>()).Returns(c => ["rmi", c.Arg<string>()]);
        _cli.Commit(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>()).Returns(c => ["commit", c.ArgAt<string>(1)]);
        _cli.Build(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>()).Returns(c => ["build", c.ArgAt<string>(0), c.ArgAt<string>(1)]);
        _cli.List(Arg.Any<string>(), Arg.Any<string>()).Returns(["list"]);
        _cli.ListImages().Returns(["images"]);
        _cli.IsTransient(Arg.Any<CommandOutput>()).Returns(c => c.Arg<CommandOutput>().Stderr.Contains("locked", StringComparison.Ordinal));
        _cli.IsNotFound(Arg.Any<CommandOutput>()).Returns(c => c.Arg<CommandOutput>().Stderr.Contains("no such", StringComparison.Ordinal));
        Answer(_ => Ok);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SandboxSpec Spec(string name = "web", string image = BaseImage) =>
        new() { Name = name, Tier = SandboxTier.Vm, Image = image, MemoryBytes = 512L << 20 };

    private static ServerPaths Paths => new("/nonexistent/config.json", Path.Combine(Path.GetTempPath(), "sbx-unit-state"));

    private ContainerRuntime CreateSut(AllowlistProxies? proxies = null) =>
        new(_cli, _runner, Paths, new SandboxMcpOptions(), NullLogger<ContainerRuntime>.Instance, TimeProvider.System, proxies);

    private static AllowlistProxies Proxies() => new(Paths, NullLoggerFactory.Instance);

    private string Owner => CreateSut().Owner;

    /// <summary>Answers engine commands by their first argument, recording each.</summary>
    private void Answer(Func<IReadOnlyList<string>, CommandOutput> answer) =>
        _runner.RunAsync(Arg.Any<string>(), Arg.Any<IReadOnlyList<string>>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<Action<string>?>(), Arg.Any<CancellationToken>())
            .Returns(c =>
            {
                var args = c.ArgAt<IReadOnlyList<string>>(1);
                lock (_commands)
                {
                    _commands.Add(string.Join(' ', args));
                }

                return Task.FromResult(answer(args));
            });

    private ContainerInfo Ours(string state) =>
        new("mcp-sb-" + Owner + "-web", state, new Dictionary<string, string> { [ContainerNames.OwnerLabel] = Owner });

    [Fact]
    public async Task CanCreate_NetworkAllowlistOnPodman_IsAvailable()
    {
        await using var proxies = Proxies();

        var availability = await CreateSut(proxies).CanCreateAsync(Spec() with { Network = NetworkMode.Allowlist, AllowedHosts = ["pypi.org"] }, Ct);

        Assert.True(availability.IsAvailable, availability.Detail);
    }

    [Fact]
    public async Task CanCreate_NetworkAllowlistOnAnEngineWithoutNoNetwork_IsUnavailableSoAnAutomaticTierFallsToSeatbelt()
    {
        _cli.SupportsNoNetwork.Returns(false);
        await using var proxies = Proxies();

        var availability = await CreateSut(proxies).CanCreateAsync(Spec() with { Network = NetworkMode.Allowlist, AllowedHosts = ["pypi.org"] }, Ct);

        Assert.False(availability.IsAvailable);
        Assert.Contains("cannot run a container without network, so it has no network allowlist", availability.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NetworkAllowlistOnAnEngineWithoutNoNetwork_IsRefusedBeforeAnyEngineCommand()
    {
        _cli.SupportsNoNetwork.Returns(false);
        await using var proxies = Proxies();
        var sut = CreateSut(proxies);

        var ex = await Assert.ThrowsAsync<SandboxException>(() => sut.CreateAsync(Spec() with { Network = NetworkMode.Allowlist, AllowedHosts = ["pypi.org"] }, Ct));

        Assert.Contains("use engine podman or docker, or tier \"seatbelt\", for allowedHosts", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_commands);
    }

    [Fact]
    public async Task Create_NetworkAllowlist_RunsWithoutNetworkWithTheProxySocketMounted()
    {
        ContainerRunSpec? run = null;
        _cli.Run(Arg.Do<ContainerRunSpec>(r => run = r)).Returns(c => ["run", c.Arg<ContainerRunSpec>().Name]);
        await using var proxies = Proxies();

        var handle = await CreateSut(proxies).CreateAsync(Spec() with { Network = NetworkMode.Allowlist, AllowedHosts = ["PyPI.org.", "*.pythonhosted.org"] }, Ct);

        Assert.NotNull(run);
        Assert.Null(run.Network);
        Assert.Null(run.NetworkAlias);
        Assert.Equal(proxies.LastingDirectoryFor(handle.Id), run.ProxyDirectory);
        Assert.True(File.Exists(Path.Combine(run.ProxyDirectory!, AllowlistProxies.SocketName)), "the proxy listens before the container starts");
        Assert.Equal("pypi.org,*.pythonhosted.org", handle.Properties![ContainerRuntime.AllowedHostsProperty]);
        Assert.Equal([$"run mcp-sb-{Owner}-web"], _commands);
        await proxies.StopAsync(handle.Id);
        Assert.False(Directory.Exists(run.ProxyDirectory), "destroying the sandbox removes the lasting directory");
    }

    [Fact]
    public async Task Create_NewSandbox_IsOneRunAfterTheNetworkIsCheckedOncePerServer()
    {
        var sut = CreateSut();

        var first = await sut.CreateAsync(Spec("one"), Ct);
        await sut.CreateAsync(Spec("two"), Ct);

        Assert.Equal(["network-exists", $"run mcp-sb-{Owner}-one", $"run mcp-sb-{Owner}-two"], _commands);
        Assert.Equal($"mcp-sb-{Owner}-one", first.Id);
        Assert.Equal("/workspace", first.WorkDir);
        Assert.Equal($"mcp-ws-{Owner}-one", first.Properties!["workspace"]);
    }

    [Fact]
    public async Task Create_RunFailsBecauseOurStoppedContainerExists_AdoptsAndStartsIt()
    {
        Answer(args => args[0] == "run" ? new CommandOutput(125, "", "the container name is already in use") : Ok);
        _cli.ParseInspect(Arg.Any<CommandOutput>()).Returns(Ours("exited"));

        var handle = await CreateSut().CreateAsync(Spec(), Ct);

        Assert.Equal($"mcp-sb-{Owner}-web", handle.Id);
        Assert.Contains($"start mcp-sb-{Owner}-web", _commands);
    }

    [Fact]
    public async Task Create_NameTakenByAnotherOwner_RefusesToAdopt()
    {
        Answer(args => args[0] == "run" ? new CommandOutput(125, "", "the container name is already in use") : Ok);
        _cli.ParseInspect(Arg.Any<CommandOutput>()).Returns(new ContainerInfo("mcp-sb-x-web", "running", new Dictionary<string, string> { [ContainerNames.OwnerLabel] = "someone" }));

        var ex = await Assert.ThrowsAsync<SandboxException>(() => CreateSut().CreateAsync(Spec(), Ct));

        Assert.Contains("not made by this sandbox-mcp state directory", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_commands, c => c.StartsWith("start", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(BaseImage, "images/build-base.sh")]
    [InlineData("localhost/other:1", "build_image")]
    public async Task Create_ImageMissing_SaysWhichCommandBuildsIt(string image, string fix)
    {
        Answer(args => args[0] is "run" or "image-exists" ? new CommandOutput(125, "", "image not known") : Ok);
        _cli.ParseInspect(Arg.Any<CommandOutput>()).Returns((ContainerInfo?)null);

        var ex = await Assert.ThrowsAsync<SandboxException>(() => CreateSut().CreateAsync(Spec(image: image), Ct));

        Assert.Contains(image, ex.Message, StringComparison.Ordinal);
        Assert.Contains(fix, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EngineCommand_TransientFailure_IsRetriedUntilItPasses()
    {
        var runs = 0;
        Answer(args => args[0] == "run" && ++runs < 3 ? new CommandOutput(125, "", "database is locked") : Ok);

        await CreateSut().CreateAsync(Spec(), Ct);

        Assert.Equal(3, runs);
    }

    [Fact]
    public async Task EngineCommand_PermanentFailure_IsNotRetriedAndSaysWhat()
    {
        Answer(args => args[0] == "run" ? new CommandOutput(125, "", "invalid reference format") : Ok);
        _cli.ParseInspect(Arg.Any<CommandOutput>()).Returns((ContainerInfo?)null);

        var ex = await Assert.ThrowsAsync<EngineException>(() => CreateSut().CreateAsync(Spec(), Ct));

        Assert.Single(_commands, c => c.StartsWith("run", StringComparison.Ordinal));
        Assert.Contains("invalid reference format", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_Everything_RemovesContainerWorkspaceAndCaches()
    {
        var sut = CreateSut();
        var handle = await sut.CreateAsync(Spec(), Ct);
        _commands.Clear();

        await sut.DestroyAsync(handle, DestroyScope.Everything, Ct);

        Assert.Equal($"rm mcp-sb-{Owner}-web", _commands[0]);
        Assert.Equal(
            ["ws", "cache-apt", "cache-aptlists", "cache-pip", "cache-npm"],
            _commands.Skip(1).Select(c => c.Split(' ')[1]).Select(v => v[4..v.IndexOf("-" + Owner, StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task Destroy_KeepCaches_RemovesOnlyContainerAndWorkspace()
    {
        var sut = CreateSut();
        var handle = await sut.CreateAsync(Spec(), Ct);
        _commands.Clear();

        await sut.DestroyAsync(handle, DestroyScope.KeepCaches, Ct);

        Assert.Equal([$"rm mcp-sb-{Owner}-web", $"volume-rm mcp-ws-{Owner}-web"], _commands);
    }

    [Fact]
    public async Task Destroy_Clone_RemovesItsImageButResetKeepsIt()
    {
        var sut = CreateSut();
        var image = ContainerNames.CloneImage(Owner, "copy");
        var handle = await sut.CreateAsync(Spec("copy", image), Ct);

        await sut.DestroyAsync(handle, DestroyScope.KeepCaches, Ct);
        Assert.DoesNotContain($"rmi {image}", _commands);
        await sut.DestroyAsync(handle, DestroyScope.Everything, Ct);

        Assert.Contains($"rmi {image}", _commands);
    }

    [Fact]
    public async Task Destroy_ContainerAlreadyGone_IsNotAnError()
    {
        Answer(args => args[0] is "rm" or "volume-rm" ? new CommandOutput(1, "", "Error: no such container") : Ok);

        await CreateSut().DestroyAsync(new RuntimeHandle("podman", "mcp-sb-x-web", "/workspace", "/var/lib/sandbox-mcp"), DestroyScope.Everything, Ct);

        Assert.Single(_commands);
    }

    [Fact]
    public async Task ListOwned_NamesEachSandboxFromItsLabel()
    {
        _cli.ParseList(Arg.Any<CommandOutput>(), ContainerNames.OwnerLabel, Arg.Any<string>()).Returns(
            [new ContainerInfo("mcp-sb-x-a", "running", new Dictionary<string, string> { [ContainerNames.SandboxLabel] = "a" })]);

        var owned = await CreateSut().ListOwnedAsync(Ct);

        var handle = Assert.Single(owned);
        Assert.Equal("mcp-sb-x-a", handle.Id);
        Assert.Equal($"mcp-ws-{Owner}-a", handle.Properties!["workspace"]);
    }

    [Fact]
    public async Task CanCreate_EngineUpButImageMissing_IsUnavailableWithTheFix()
    {
        Answer(args => args[0] == "image-exists" ? new CommandOutput(1, "", "") : Ok);

        var availability = await CreateSut().CanCreateAsync(Spec(), Ct);

        Assert.False(availability.IsAvailable);
        Assert.Contains("images/build-base.sh", availability.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_WithCommit_PacksTheWorkspaceThenCommitsTheSnapshotImage()
    {
        var sut = CreateSut();
        var handle = await sut.CreateAsync(Spec(), Ct);
        _commands.Clear();

        await sut.SnapshotAsync(handle, Spec(), "first", null, Ct);

        Assert.Equal($"commit {ContainerNames.SnapshotImage(Owner, "first")}", _commands[0]);
        _cli.Received().Commit(handle.Id, ContainerNames.SnapshotImage(Owner, "first"), Arg.Is<IReadOnlyDictionary<string, string>>(l => l[ContainerNames.SnapshotLabel] == "first" && l[ContainerNames.OwnerLabel] == Owner));
    }

    [Fact]
    public async Task Snapshot_WithoutCommit_BuildsFromInGuestArchivesOnTopOfTheSandboxImage()
    {
        _cli.SupportsCommit.Returns(false);
        string? containerfile = null;
        Answer(args =>
        {
            if (args[0] == "build")
            {
                containerfile = File.ReadAllText(args[2]);
            }

            return Ok;
        });
        var sut = CreateSut();
        var handle = await sut.CreateAsync(Spec(), Ct);

        await sut.SnapshotAsync(handle, Spec(), "first", null, Ct);

        Assert.NotNull(containerfile);
        Assert.StartsWith($"FROM {BaseImage}\nCOPY rootfs.tar workspace.tar /var/lib/sandbox-mcp/snapshot/\nRUN tar -C / -xpf", containerfile, StringComparison.Ordinal);
        Assert.Contains("LABEL \"sandbox-mcp.snapshot\"=\"first\"", containerfile, StringComparison.Ordinal);
        _cli.DidNotReceiveWithAnyArgs().Commit(default!, default!, default!);
    }
}
