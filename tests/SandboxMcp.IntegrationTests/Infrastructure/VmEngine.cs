using System.Text.Json.Nodes;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>What a vm-tier test needs to know about the engine under test.</summary>
public static class VmEngine
{
    /// <summary>Configuration that makes every sandbox a container on <paramref name="engine"/>.</summary>
    public static JsonObject Config(string engine) => new()
    {
        ["defaultTier"] = "vm",
        ["engine"] = engine,
        ["sandboxDefaults"] = new JsonObject { ["memory"] = "512m", ["cpus"] = 1 },
    };

    /// <summary>Skips unless the engine works here (fails when SANDBOXMCP_REQUIRE names it); fails without the base image.</summary>
    public static void Require(string engine)
    {
        Engines.Require(engine);
        EngineCli.RequireBaseImage(engine);
    }

    /// <summary>Removes what a server with this state directory created on the engine.</summary>
    public static async Task CleanupAsync(string engine, ServerHarness server)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await EngineCli.RemoveOwnedAsync(engine, server.StateDirectory, cts.Token);
    }
}
