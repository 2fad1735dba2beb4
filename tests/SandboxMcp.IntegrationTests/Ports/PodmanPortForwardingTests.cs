using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Ports;

/// <summary>Port forwarding into podman containers (each connection through <c>podman exec -i</c>).</summary>
public sealed class PodmanPortForwardingTests : PortForwardingTests
{
    protected override JsonObject Config => VmEngine.Config("podman");

    protected override void RequireEngine() => VmEngine.Require("podman");

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync("podman", server);
}
