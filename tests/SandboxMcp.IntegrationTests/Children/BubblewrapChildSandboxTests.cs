using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Children;

/// <summary>Child sandboxes on the seatbelt tier under bubblewrap (sandbox-ctl socket at /run/sandbox-ctl/ctl.sock).</summary>
public sealed class BubblewrapChildSandboxTests : ChildSandboxTests
{
    protected override JsonObject TierConfig => new() { ["defaultTier"] = "seatbelt" };

    protected override void RequireEngine() => Engines.Require("bwrap");

    protected override Task<ServerHarness> StartWithAsync(JsonObject config) =>
        ServerHarness.StartAsync(new ServerOptions { Config = config }, Ct);

    protected override Task AssertGoneAsync(ServerHarness server, string[] sandboxes)
    {
        foreach (var sandbox in sandboxes)
        {
            Assert.False(Directory.Exists(Path.Combine(server.StateDirectory, "seatbelt", sandbox)), $"{sandbox} is still there");
        }

        return Task.CompletedTask;
    }
}
