using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SandboxMcp.Bench;

/// <summary>
/// A throwaway child from inside a sandbox (<c>sandbox-ctl run -- true</c>: spawn, exec, destroy over the unix
/// socket) beside the same through MCP (<c>create</c> + <c>exec</c> + <c>destroy</c>), on the native tier and on
/// podman when it has the base image.
/// </summary>
public static class ChildrenBench
{
    public static async Task RunAsync(int calls, CancellationToken cancellationToken)
    {
        var rounds = Math.Clamp(calls / 50, 5, 30);
        foreach (var (tier, config) in Tiers())
        {
            Console.WriteLine($"# children ({tier}), {rounds} rounds each");
            await using var server = await BenchServer.StartAsync(config, cancellationToken);
            await server.ExecAsync("sandbox-ctl ping >/dev/null", "default", cancellationToken);

            var ctl = await Timing.MeasureAsync($"sandbox-ctl run -- true ({tier}, from inside)", 1, rounds, async () =>
            {
                var result = await server.ExecAsync("sandbox-ctl run -- true", "default", cancellationToken);
                if (result.GetProperty("exit_code").GetInt32() != 0)
                {
                    throw new InvalidOperationException("sandbox-ctl run failed: " + result.GetProperty("stderr").GetString());
                }
            });
            var mcp = await Timing.MeasureAsync($"MCP create + exec true + destroy ({tier})", 1, rounds, async () =>
            {
                var name = "bench-" + Guid.NewGuid().ToString("N")[..8];
                await server.CallAsync("create", new() { ["sandbox"] = name }, cancellationToken);
                await server.ExecAsync("true", name, cancellationToken);
                await server.CallAsync("destroy", new() { ["sandbox"] = name }, cancellationToken);
            });
            Console.WriteLine(ctl);
            Console.WriteLine(mcp);
            Console.WriteLine();
            await server.CallAsync("destroy", new() { ["sandbox"] = "default" }, cancellationToken);
        }
    }

    private static IEnumerable<(string Tier, string Config)> Tiers()
    {
        const string policy = "\"spawnPolicies\": {\"default\": {\"maxChildren\": 4, \"maxSpawns\": 100000, \"memoryBudget\": \"2g\"}}";
        yield return ("native", $$"""{"defaultTier": "native", {{policy}}}""");
        if (PodmanHasBaseImage())
        {
            yield return ("podman", $$"""{"defaultTier": "vm", "engine": "podman", "sandboxDefaults": {"memory": "256m", "cpus": 1}, {{policy}}}""");
        }
    }

    internal static bool PodmanHasBaseImage()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("podman", ["image", "exists", "localhost/sandbox-mcp-base:bookworm"]) { RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
