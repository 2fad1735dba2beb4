using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;
using SandboxMcp.IntegrationTests.Shell;

namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>The persistent-shell contract inside a podman container (<c>podman exec -i NAME sh</c>).</summary>
public sealed class PodmanShellContractTests : ShellContractTests
{
    protected override JsonObject Config => VmEngine.Config("podman");

    protected override void RequireEngine() => VmEngine.Require("podman");

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync("podman", server);
}
