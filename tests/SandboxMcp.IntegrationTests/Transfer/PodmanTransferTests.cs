using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Transfer;

/// <summary>Transfers into podman containers.</summary>
public sealed class PodmanTransferTests : TransferTests
{
    protected override JsonObject Config => VmEngine.Config("podman");

    protected override void RequireEngine() => VmEngine.Require("podman");

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync("podman", server);
}
