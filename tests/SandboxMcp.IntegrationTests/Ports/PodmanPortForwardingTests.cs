using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Ports;

/// <summary>
/// Port forwarding into podman containers: straight to the container's bridge address where the host routes to it
/// (rootful podman, as here), else and for servers on the container's loopback through one multiplexed tunnel started
/// with <c>podman exec -i</c>.
/// </summary>
public sealed class PodmanPortForwardingTests : PortForwardingTests
{
    protected override JsonObject Config => VmEngine.Config("podman");

    protected override void RequireEngine() => VmEngine.Require("podman");

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync("podman", server);

    protected override bool SharesTheHostNetwork => false;

    // Rootful podman puts containers on a bridge the host routes to; rootless podman's addresses are not reachable.
    protected override bool ConnectsToAllInterfacesServersDirectly => Environment.UserName == "root";
}
