using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SandboxMcp.Bench;

/// <summary>
/// Native tier: server start to an answered initialize, warm exec through MCP beside the raw sh floor, and the
/// server's memory while a command prints a gigabyte.
/// </summary>
public static class NativeBench
{
    private static readonly string Config = Environment.GetEnvironmentVariable("SBXBENCH_CONFIG") ?? """{"defaultTier": "native"}""";

    /// <summary>How long each warm measurement first runs its operation untimed (SBXBENCH_WARMUP_SECONDS, default 5).</summary>
    public static TimeSpan Warmup => TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("SBXBENCH_WARMUP_SECONDS"), CultureInfo.InvariantCulture, out var seconds) ? seconds : 5);

    public static async Task RunAsync(int calls, CancellationToken cancellationToken)
    {
        Console.WriteLine($"# native tier ({Environment.ProcessorCount} cores, server {BenchServer.ServerDll})");
        var (initialize, toolsList) = await StartupAsync(cancellationToken);
        Console.WriteLine(initialize);
        Console.WriteLine(toolsList);

        await using var server = await BenchServer.StartAsync(Config, cancellationToken);
        await server.ExecAsync("true", "bench", cancellationToken);
        var warmup = Warmup;
        var mcp = await Timing.MeasureAsync("MCP exec 'echo hi' (native, warm; McpClient)", warmup, calls, () => server.ExecAsync("echo hi", "bench", cancellationToken));

        await using var raw = new RawPipe(["sh"]);
        var floor = await Timing.MeasureAsync("raw sh pipe 'echo hi' (floor)", warmup, calls, () => raw.RoundTripAsync("echo hi"));

        var shell = await InProcessShell.MeasureAsync(warmup, calls, cancellationToken);
        var rawRpc = await RawJsonRpc.MeasureExecAsync(Config, warmup, calls, cancellationToken);
        Console.WriteLine(mcp);
        Console.WriteLine(rawRpc);
        Console.WriteLine(shell);
        Console.WriteLine(floor);
        // The floor's client is a bare async pipe reader; the minimal JSON-RPC client reads the server the same way, so
        // their ratio is what the server and the protocol add. The SDK client's own per-call work comes on top.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio MCP/raw p50 = {rawRpc.P50 / floor.P50:0.0}x with the minimal client, {mcp.P50 / floor.P50:0.0}x through McpClient   (targets: MCP p50 <= 1.5 ms, <= 10x raw)"));

        var serverPid = int.Parse((await server.ExecAsync("echo $PPID", "bench", cancellationToken)).GetProperty("stdout").GetString()!.Trim(), CultureInfo.InvariantCulture);
        var before = PeakRssKb(serverPid);
        var watch = Stopwatch.StartNew();
        var flood = await server.CallAsync("exec", new() { ["command"] = "yes 2>/dev/null | head -c 1000000000", ["sandbox"] = "bench", ["timeout"] = 300 }, cancellationToken);
        var after = PeakRssKb(serverPid);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"1 GB of output: returned in {watch.Elapsed.TotalSeconds:0.0} s, {flood.GetProperty("stdout_truncated_bytes").GetInt64():N0} bytes dropped; server peak RSS {before / 1024} MB -> {after / 1024} MB (+{(after - before) / 1024.0:0.0} MB, target < 50 MB)"));
    }

    /// <summary>
    /// Time from starting the server process to an answered initialize, and to the answered tools/list a client
    /// sends next (the tools are usable from then), over several starts.
    /// </summary>
    private static async Task<(Stats Initialize, Stats ToolsList)> StartupAsync(CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        var listed = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            var root = Directory.CreateTempSubdirectory("sbx-bench-start-").FullName;
            var start = Stopwatch.GetTimestamp();
            using var process = BenchServer.StartProcess(root);
            await process.StandardInput.WriteLineAsync(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""");
            await process.StandardInput.FlushAsync(cancellationToken);
            var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (line is null || !line.Contains("\"result\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("initialize was not answered: " + line);
            }

            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            await process.StandardInput.FlushAsync(cancellationToken);
            var tools = await process.StandardOutput.ReadLineAsync(cancellationToken);
            var toolsElapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (tools is null || !tools.Contains("\"exec\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("tools/list was not answered: " + tools);
            }

            if (i > 1)
            {
                samples.Add(elapsed);
                listed.Add(toolsElapsed);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            Directory.Delete(root, recursive: true);
        }

        return (new Stats("server start -> initialize answered (target <= 250 ms)", samples), new Stats("server start -> tools/list answered", listed));
    }

    private static long PeakRssKb(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
