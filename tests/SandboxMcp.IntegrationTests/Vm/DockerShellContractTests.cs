using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;
using SandboxMcp.IntegrationTests.Shell;

namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>The persistent-shell contract inside a Docker Engine container (<c>docker exec -i NAME sh</c>).</summary>
public sealed class DockerShellContractTests : ShellContractTests
{
    protected override JsonObject Config => VmEngine.Config("docker");

    protected override void RequireEngine() => VmEngine.Require("docker");

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync("docker", server);
}
