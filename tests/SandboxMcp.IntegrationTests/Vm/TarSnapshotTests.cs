using Microsoft.Extensions.Logging.Abstractions;
using SandboxMcp.Configuration;
using SandboxMcp.IntegrationTests.Infrastructure;
using SandboxMcp.Runtimes;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>
/// Snapshots the Apple way (no commit: archive the root file system and the workspace inside the guest, stream
/// them out, build an image on top of the sandbox's image) on real podman, through the runtime in process.
/// </summary>
public sealed class TarSnapshotTests : IAsyncLifetime
{
    private readonly TempDirectory _state = new("sbx-tarsnap");
    private ContainerRuntime? _runtime;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ContainerRuntime Runtime => _runtime ?? throw new InvalidOperationException("not started");

    public ValueTask InitializeAsync()
    {
        VmEngine.Require("podman");
        var environment = Environment.GetEnvironmentVariable("CONTAINERS_CONF") is null
            ? new Dictionary<string, string> { ["CONTAINERS_CONF"] = TestPaths.PodmanConf }
            : new Dictionary<string, string>();
        _runtime = new ContainerRuntime(
            WithoutCommit.Wrap(new PodmanCli(environment)),
            new CliWrapCommandRunner(),
            new ServerPaths(_state.Combine("config.json"), _state.Path),
            new SandboxMcpOptions(),
            NullLogger<ContainerRuntime>.Instance,
            TimeProvider.System);
        return ValueTask.CompletedTask;
    }

    [Fact(Timeout = 300_000)]
    public async Task SnapshotWithoutCommit_RestoresSystemFilesAndWorkspace()
    {
        var spec = new SandboxSpec { Name = "tarsnap", Tier = SandboxTier.Vm, Image = EngineCli.BaseImage, MemoryBytes = 512L << 20 };
        var handle = await Runtime.CreateAsync(spec, Ct);
        await Runtime.ExecCheckedAsync(handle, ["sh", "-c", "echo ws > /workspace/w.txt && echo sys > /etc/sbx-tar && mkdir -p /opt/tool && echo bin > /opt/tool/run"], "prepare", Ct);

        var snapshot = await Runtime.SnapshotAsync(handle, spec, "tar1", null, Ct);
        await Runtime.DestroyAsync(handle, DestroyScope.Everything, Ct);
        var restored = await Runtime.CreateAsync(spec with { Image = snapshot.Image }, Ct);
        var files = await Runtime.ExecCheckedAsync(restored, ["sh", "-c", "cat /workspace/w.txt /etc/sbx-tar /opt/tool/run; ls /var/lib/sandbox-mcp/snapshot"], "read back", Ct);

        Assert.Equal(ContainerNames.SnapshotImage(Runtime.Owner, "tar1"), snapshot.Image);
        Assert.Equal("ws\nsys\nbin\n", files.Stdout.Decode());
        Assert.Contains((await Runtime.ListSnapshotsAsync(Ct)).Select(s => s.Name), n => n == "tar1");
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await EngineCli.RemoveOwnedAsync("podman", _state.Path, cts.Token);
        _runtime?.Dispose();
        _state.Dispose();
    }
}
