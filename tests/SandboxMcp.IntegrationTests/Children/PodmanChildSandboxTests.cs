using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Children;

/// <summary>Child sandboxes as podman containers: the socket is shared into the parent's container.</summary>
public sealed class PodmanChildSandboxTests : ChildSandboxTests
{
    private readonly List<string> _stateDirectories = [];

    protected override JsonObject TierConfig => VmEngine.Config("podman");

    protected override void RequireEngine() => VmEngine.Require("podman");

    protected override async Task<ServerHarness> StartWithAsync(JsonObject config)
    {
        var server = await ServerHarness.StartAsync(new ServerOptions { Config = config }, Ct);
        _stateDirectories.Add(server.StateDirectory);
        return server;
    }

    protected override Task AssertGoneAsync(ServerHarness server, string[] sandboxes)
    {
        var owner = SandboxMcp.Runtimes.Container.ContainerNames.Owner(server.StateDirectory);
        foreach (var sandbox in sandboxes)
        {
            var container = SandboxMcp.Runtimes.Container.ContainerNames.Container(owner, sandbox, 128);
            var info = new System.Diagnostics.ProcessStartInfo("podman") { ArgumentList = { "container", "exists", container } };
            info.Environment["CONTAINERS_CONF"] = TestPaths.PodmanConf;
            using var process = System.Diagnostics.Process.Start(info)!;
            process.WaitForExit();
            Assert.NotEqual(0, process.ExitCode);
        }

        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        var main = StartedServer?.StateDirectory;
        await base.DisposeAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var directory in (main is null ? _stateDirectories : _stateDirectories.Append(main)).Distinct())
        {
            // Containers, volumes and the owner's network: a leaked network slows every later network create.
            await EngineCli.RemoveOwnedAsync("podman", directory, cts.Token);
        }
    }
}
