using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Transfer;

/// <summary>Transfers into podman containers.</summary>
public sealed class PodmanTransferTests : TransferTests
{
    protected override JsonObject Config => VmEngine.Config("podman");

    protected override void RequireEngine() => VmEngine.Require("podman");

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync("podman", server);

    /// <summary>The container has its own network: the bare repository is uploaded and cloned with file://.</summary>
    protected override async Task<string> ServeRepositoryAsync(string bareRepository)
    {
        await Server.CallOkAsync("upload", new { host_path = bareRepository, path = "/srv/repo.git" }, Ct);
        return "file:///srv/repo.git";
    }
}
