using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Background;

/// <summary>Background processes on the seatbelt tier under bubblewrap (entered with <c>nsenter</c>, network denied).</summary>
public sealed class BubblewrapBackgroundProcessTests : BackgroundProcessTests
{
    protected override JsonObject Config => new() { ["defaultTier"] = "seatbelt" };

    protected override void RequireEngine() => Engines.Require("bwrap");
}
