using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Shell;

/// <summary>The persistent-shell contract on the seatbelt tier under bubblewrap (<c>nsenter</c> into a holder's namespaces).</summary>
public sealed class BubblewrapShellContractTests : ShellContractTests
{
    protected override JsonObject Config => new() { ["defaultTier"] = "seatbelt" };

    protected override void RequireEngine() => Engines.Require("bwrap");
}
