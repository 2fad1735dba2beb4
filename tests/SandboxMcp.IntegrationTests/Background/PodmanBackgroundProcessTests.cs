using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Background;

/// <summary>Background processes inside a podman container (started through <c>podman exec</c>).</summary>
public sealed class PodmanBackgroundProcessTests : BackgroundProcessTests
{
    protected override JsonObject Config => VmEngine.Config("podman");

    protected override void RequireEngine() => VmEngine.Require("podman");

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync("podman", server);
}
