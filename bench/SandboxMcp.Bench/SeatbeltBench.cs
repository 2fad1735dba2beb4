using System.Diagnostics;
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

        // One sandbox at a time: create (timed), then its first exec (timed apart), so no round competes with the
        // background holder start of the one before.
        var creates = new List<double>();
        var firsts = new List<double>();
        var names = new List<string>();
        for (var i = 0; i < rounds + 2; i++)
        {
            var name = "c" + Guid.NewGuid().ToString("N")[..8];
            names.Add(name);
            var start = Stopwatch.GetTimestamp();
            await server.CallAsync("create", new() { ["sandbox"] = name, ["tier"] = "seatbelt" }, cancellationToken);
            var created = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            await server.ExecAsync("true", name, cancellationToken);
            if (i >= 2)
            {
                creates.Add(created);
                firsts.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        var create = new Stats("MCP create (seatbelt: directory, policy; bwrap holder starting)", creates);
        var firstExec = new Stats("MCP first exec after create (waits for the holder, starts the shell)", firsts);
        var both = new Stats("MCP create + first exec (a usable sandbox)", [.. creates.Zip(firsts, (a, b) => a + b)]);
        foreach (var name in names)
        {
            await server.CallAsync("destroy", new() { ["sandbox"] = name }, cancellationToken);
        }

        // The same call on the native tier: what create costs above any runtime (state file, history, shell object).
        names.Clear();
        var native = await Timing.MeasureAsync("MCP create (native, same server: the cost above any runtime)", 2, rounds, async () =>
        {
            var name = "n" + Guid.NewGuid().ToString("N")[..8];
            names.Add(name);
            await server.CallAsync("create", new() { ["sandbox"] = name, ["tier"] = "native" }, cancellationToken);
        });
        foreach (var name in names)
        {
            await server.CallAsync("destroy", new() { ["sandbox"] = name }, cancellationToken);
        }

        var mcp = await Timing.MeasureAsync("MCP exec 'echo hi' (seatbelt/bwrap, warm)", NativeBench.Warmup, calls, () => server.ExecAsync("echo hi", "bench", cancellationToken));
        await using var raw = new RawPipe(RawBwrap);
        var floor = await Timing.MeasureAsync("raw bwrap ... sh pipe 'echo hi' (floor)", NativeBench.Warmup, calls, () => raw.RoundTripAsync("echo hi"));
        Console.WriteLine(create);
        Console.WriteLine(native);
        Console.WriteLine(firstExec);
        Console.WriteLine(both);
        Console.WriteLine(mcp);
        Console.WriteLine(floor);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"targets: create p50 < 50 ms ({create.P50:0.0}), warm exec p50 <= 1.5 ms ({mcp.P50:0.00}); ratio MCP/raw p50 = {mcp.P50 / floor.P50:0.0}x"));
        await server.CallAsync("destroy", new() { ["sandbox"] = "bench" }, cancellationToken);
    }
}
