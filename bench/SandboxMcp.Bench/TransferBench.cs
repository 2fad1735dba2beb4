using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Bench;

/// <summary>
/// upload and download of one large random file through MCP, beside a raw tar pipe into the same sandbox in the
/// same run (host <c>tar -c</c> piped into <c>tar -x</c> run directly: plain on native, <c>podman exec -i</c> on
/// podman; no StartProcess, no MCP). Throughput in MB/s, median of the runs.
/// </summary>
public static class TransferBench
{
    private const int Runs = 5;

    public static async Task RunAsync(int calls, CancellationToken cancellationToken)
    {
        var megabytes = int.Parse(Environment.GetEnvironmentVariable("SBXBENCH_TRANSFER_MB") ?? "100", CultureInfo.InvariantCulture);
        foreach (var (tier, config) in Tiers())
        {
            Console.WriteLine($"# transfer ({tier}), {megabytes} MB random file, median of {Runs} runs");
            await using var server = await BenchServer.StartAsync(config, cancellationToken);
            var file = Path.Combine(server.Root, "bench.bin");
            await using (var output = File.Create(file))
            {
                var chunk = new byte[1 << 20];
                for (var i = 0; i < megabytes; i++)
                {
                    RandomNumberGenerator.Fill(chunk);
                    await output.WriteAsync(chunk, cancellationToken);
                }
            }

            await server.ExecAsync("mkdir -p raw", "default", cancellationToken);
            var workDir = (await server.CallAsync("status", new(), cancellationToken)).GetProperty("work_dir").GetString()!;
            var (prefix, env) = tier == "native" ? ([], new Dictionary<string, string>()) : await PodmanExecAsync(server);
            var rawDown = Path.Combine(server.Root, "raw-down");
            Directory.CreateDirectory(rawDown);
            var bytes = (double)megabytes * (1 << 20);

            // Interleaved, so that load from elsewhere on the machine falls on MCP and raw alike.
            Func<Task>[] operations =
            [
                () => server.CallAsync("upload", new() { ["host_path"] = file, ["path"] = "up.bin" }, cancellationToken),
                () => ShAsync("src=$1; shift; tar -C \"$src\" -cf - bench.bin | \"$@\"", [server.Root, .. prefix, "tar", "-x", "-f", "-", "-C", workDir + "/raw"], env, cancellationToken),
                () => server.CallAsync("download", new() { ["path"] = "up.bin", ["host_path"] = "down.bin", ["overwrite"] = true }, cancellationToken),
                () => ShAsync("dest=$1; shift; \"$@\" | tar -x -f - -C \"$dest\"", [rawDown, .. prefix, "tar", "-c", "-f", "-", "-C", workDir, "up.bin"], env, cancellationToken),
            ];
            string[] names = ["MCP upload", "raw tar pipe in", "MCP download", "raw tar pipe out"];
            var rates = names.Select(_ => new List<double>()).ToArray();
            for (var run = 0; run < Runs; run++)
            {
                for (var i = 0; i < operations.Length; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await operations[i]();
                    rates[i].Add(bytes / (1 << 20) / Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
            }

            var rows = names.Select((name, i) => (Name: name, MBps: rates[i].Order().ElementAt(Runs / 2))).ToList();
            foreach (var (name, rate) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name + $" ({tier})",-32} {rate,8:0.0} MB/s"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"upload/raw {rows[0].MBps / rows[1].MBps:0.00}   download/raw {rows[2].MBps / rows[3].MBps:0.00}"));
            await server.CallAsync("destroy", new() { ["sandbox"] = "default" }, cancellationToken);
        }
    }

    private static async Task ShAsync(string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        foreach (var arg in (string[])["-c", script, "sh", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"raw pipe failed: {stderr}");
        }
    }

    /// <summary><c>podman exec -i CONTAINER</c> for the bench server's default sandbox, with the server's podman configuration.</summary>
    private static async Task<(string[] Prefix, Dictionary<string, string> Env)> PodmanExecAsync(BenchServer server)
    {
        var env = new Dictionary<string, string>();
        if (Environment.GetEnvironmentVariable("CONTAINERS_CONF") is null && PodmanConfiguration.NeedsOwnConfiguration())
        {
            var conf = Path.Combine(server.Root, "containers.conf");
            await File.WriteAllTextAsync(conf, PodmanConfiguration.EmbeddedConfiguration());
            env["CONTAINERS_CONF"] = conf;
        }

        var info = new ProcessStartInfo("podman", ["ps", "--filter", $"label={ContainerNames.OwnerLabel}={ContainerNames.Owner(server.StateDirectory)}", "--format", "{{.Names}}"]) { RedirectStandardOutput = true };
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var name = (await process.StandardOutput.ReadToEndAsync()).Trim().Split('\n')[0];
        await process.WaitForExitAsync();
        return (["podman", "exec", "-i", name], env);
    }

    /// <summary>native and podman; SBXBENCH_TRANSFER_TIERS=native (or podman) runs one.</summary>
    private static IEnumerable<(string Tier, string Config)> Tiers()
    {
        var only = Environment.GetEnvironmentVariable("SBXBENCH_TRANSFER_TIERS");
        if (only is null or "" || only.Contains("native", StringComparison.Ordinal))
        {
            yield return ("native", """{"defaultTier": "native"}""");
        }

        if (only is null or "" || only.Contains("podman", StringComparison.Ordinal))
        {
            yield return ("podman", """{"defaultTier": "vm", "engine": "podman", "sandboxDefaults": {"memory": "1g", "cpus": 2}}""");
        }
    }
}
