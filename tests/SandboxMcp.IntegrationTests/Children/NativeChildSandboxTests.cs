using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Children;

/// <summary>Child sandboxes on the native tier.</summary>
public sealed class NativeChildSandboxTests : ChildSandboxTests
{
    protected override JsonObject TierConfig => new() { ["defaultTier"] = "native" };

    protected override Task<ServerHarness> StartWithAsync(JsonObject config) =>
        ServerHarness.StartAsync(new ServerOptions { Config = config }, Ct);

    protected override Task AssertGoneAsync(ServerHarness server, string[] sandboxes)
    {
        foreach (var sandbox in sandboxes)
        {
            Assert.False(Directory.Exists(Path.Combine(server.StateDirectory, "sandboxes", sandbox)), $"{sandbox} is still there");
        }

        return Task.CompletedTask;
    }
}
