using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Shell;

/// <summary>The persistent-shell contract on the native tier (host processes).</summary>
public sealed class NativeShellContractTests : ShellContractTests
{
    protected override JsonObject Config => new() { ["defaultTier"] = "native" };

    protected override void RequireEngine() => Engines.Require("native");
}
