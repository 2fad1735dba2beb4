using System.Globalization;

namespace SandboxMcp.Bench;

/// <summary>
/// Seatbelt tier (bubblewrap on Linux): create through MCP, warm exec through MCP, beside a raw <c>bwrap … sh</c>
/// pipe round trip (the floor for this tier) in the same run.
/// </summary>
public static class SeatbeltBench
{
    private const string Config = """{"defaultTier": "seatbelt"}""";

    /// <summary>A bwrap shell with the namespaces and system mounts a seatbelt sandbox has, and nothing of ours.</summary>
    private static readonly string[] RawBwrap =
    [
        "bwrap", "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--new-session",
        "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--", "/bin/sh",
    ];

    public static async Task RunAsync(int calls, CancellationToken cancellationToken)
    {
        Console.WriteLine($"# seatbelt tier, bubblewrap ({Environment.ProcessorCount} cores)");
        await using var server = await BenchServer.StartAsync(Config, cancellationToken);
        await server.ExecAsync("true", "bench", cancellationToken);
        var rounds = Math.Clamp(calls / 20, 10, 50);
        var names = new List<string>();
        var create = await Timing.MeasureAsync("MCP create (seatbelt: directory, policy, bwrap holder up)", 2, rounds, async () =>
        {
            var name = "c" + Guid.NewGuid().ToString("N")[..8];
            names.Add(name);
            await server.CallAsync("create", new() { ["sandbox"] = name, ["tier"] = "seatbelt" }, cancellationToken);
        });
        var next = 0;
        var firstExec = await Timing.MeasureAsync("MCP first exec in each created sandbox (waits for its holder, starts the shell)", 0, names.Count, async () =>
            await server.ExecAsync("true", names[next++], cancellationToken));
        foreach (var name in names)
        {
            await server.CallAsync("destroy", new() { ["sandbox"] = name }, cancellationToken);
        }

        var mcp = await Timing.MeasureAsync("MCP exec 'echo hi' (seatbelt/bwrap, warm)", 50, calls, () => server.ExecAsync("echo hi", "bench", cancellationToken));
        await using var raw = new RawPipe(RawBwrap);
        var floor = await Timing.MeasureAsync("raw bwrap ... sh pipe 'echo hi' (floor)", 50, calls, () => raw.RoundTripAsync("echo hi"));
        Console.WriteLine(create);
        Console.WriteLine(firstExec);
        Console.WriteLine(mcp);
        Console.WriteLine(floor);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"targets: create p50 < 50 ms ({create.P50:0.0}), warm exec p50 <= 1.5 ms ({mcp.P50:0.00}); ratio MCP/raw p50 = {mcp.P50 / floor.P50:0.0}x"));
        await server.CallAsync("destroy", new() { ["sandbox"] = "bench" }, cancellationToken);
    }
}
