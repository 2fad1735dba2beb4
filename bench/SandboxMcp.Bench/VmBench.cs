using System.Diagnostics;
using System.Globalization;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Bench;

/// <summary>
/// The vm tier on podman and docker, beside the raw engine in the same run: create through MCP vs the engine's own
/// <c>run -d</c> (plain, and with the flags the server adds), and warm exec through MCP vs a raw persistent
/// <c>exec -i NAME sh</c> pipe vs one <c>exec</c> per command.
/// </summary>
public static class VmBench
{
    private const string Image = "localhost/sandbox-mcp-base:bookworm";

    public static async Task RunAsync(int calls, CancellationToken cancellationToken)
    {
        foreach (var engine in new[] { "podman", "docker" })
        {
            if (!await Engine.WorksAsync(engine, cancellationToken))
            {
                Console.WriteLine($"# vm tier ({engine}): skipped, the engine or {Image} is missing");
                continue;
            }

            await RunEngineAsync(engine, calls, cancellationToken);
            Console.WriteLine();
        }
    }

    private static async Task RunEngineAsync(string engine, int calls, CancellationToken cancellationToken)
    {
        const int creates = 10;
        Console.WriteLine($"# vm tier ({engine}, {Environment.ProcessorCount} cores; {creates} creates, {calls} warm execs)");
        var config = $$$"""{"defaultTier": "vm", "engine": "{{{engine}}}", "sandboxDefaults": {"memory": "512m", "cpus": 1}}""";
        await using var server = await BenchServer.StartAsync(config, cancellationToken);

        // The exact argv the server runs (its own dialect builds it): labels, limits, --init, a network, cache volumes.
        IContainerCli cli = engine == "podman" ? new PodmanCli(Engine.Environment(engine)) : new DockerCli();
        await Engine.ExecAsync(engine, ["network", "create", "sbx-bench-net"], cancellationToken);
        var createStats = await Timing.MeasureInTurnsWithCleanupAsync(
            1,
            creates,
            ($"MCP create ({engine})", async () =>
            {
                var name = "bench-" + Guid.NewGuid().ToString("N")[..8];
                await server.CallAsync("create", new() { ["sandbox"] = name }, cancellationToken);
                return () => server.CallAsync("destroy", new() { ["sandbox"] = name }, cancellationToken);
            }),
            ($"raw {engine} run -d (plain)", async () =>
            {
                var name = "sbx-bench-raw-" + Guid.NewGuid().ToString("N")[..8];
                await Engine.RunAsync(engine, ["run", "-d", "--name", name, Image, "sleep", "infinity"], cancellationToken);
                return () => Engine.RemoveAsync(engine, name, cancellationToken);
            }),
            ($"raw {engine} run -d (the server's argv)", async () =>
            {
                var name = "sbx-bench-raw-" + Guid.NewGuid().ToString("N")[..8];
                List<(string Volume, string Target)> volumes = [.. ContainerRuntime.CacheMounts.Select(c => ($"{name}-{c.Purpose}", c.Target)), ($"{name}-ws", "/workspace")];
                await Engine.RunAsync(engine, cli.Run(new ContainerRunSpec
                {
                    Name = name, Image = Image, Labels = new Dictionary<string, string> { ["sbx-bench"] = "1" }, Cpus = 1, MemoryBytes = 512L << 20,
                    Network = "sbx-bench-net", NetworkAlias = name, Hostname = name, Volumes = volumes,
                }), cancellationToken);
                return () => Engine.RemoveAsync(engine, name, cancellationToken, [.. volumes.Select(v => v.Volume)]);
            }));
        var (mcpCreate, plainRun, flaggedRun) = (createStats[0], createStats[1], createStats[2]);
        await Engine.ExecAsync(engine, ["network", "rm", "sbx-bench-net"], cancellationToken);

        await server.ExecAsync("true", "bench", cancellationToken);
        var mcpExec = await Timing.MeasureAsync($"MCP exec 'echo hi' ({engine}, warm)", NativeBench.Warmup, calls, () => server.ExecAsync("echo hi", "bench", cancellationToken));
        var container = await Engine.ContainerOfAsync(engine, "bench", cancellationToken);
        await using var raw = new RawPipe([engine, "exec", "-i", container, "sh"], Engine.Environment(engine));
        var floor = await Timing.MeasureAsync($"raw {engine} exec -i sh pipe (floor)", NativeBench.Warmup, calls, () => raw.RoundTripAsync("echo hi"));
        var perCommand = await Timing.MeasureAsync($"one {engine} exec per command", 2, Math.Clamp(calls / 50, 10, 30), () => Engine.RunAsync(engine, ["exec", container, "echo", "hi"], cancellationToken));
        await server.CallAsync("destroy", new() { ["sandbox"] = "bench" }, cancellationToken);

        foreach (var stats in new[] { mcpCreate, plainRun, flaggedRun, mcpExec, floor, perCommand })
        {
            Console.WriteLine(stats);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"create: MCP/plain run -d = {mcpCreate.P50 / plainRun.P50:0.00}x, MCP/run -d with the server's argv = {mcpCreate.P50 / flaggedRun.P50:0.00}x (target within 10%)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exec: MCP p50 {mcpExec.P50:0.00} ms (target <= 1.5 ms), {perCommand.P50 / mcpExec.P50:0}x faster than one exec per command (target >= 100x), {mcpExec.P50 / floor.P50:0.0}x the raw pipe"));
    }

    /// <summary>Raw engine commands with the configuration the server itself would use on this host.</summary>
    private static class Engine
    {
        private static readonly Lazy<string?> OwnPodmanConf = new(() =>
        {
            if (!string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("CONTAINERS_CONF")) || !PodmanConfiguration.NeedsOwnConfiguration())
            {
                return null;
            }

            var file = Path.Combine(Path.GetTempPath(), $"sbx-bench-containers-{System.Environment.ProcessId}.conf");
            File.WriteAllText(file, PodmanConfiguration.EmbeddedConfiguration());
            return file;
        });

        public static Dictionary<string, string> Environment(string engine) =>
            engine == "podman" && OwnPodmanConf.Value is { } conf ? new Dictionary<string, string> { ["CONTAINERS_CONF"] = conf } : new Dictionary<string, string>();

        public static async Task<bool> WorksAsync(string engine, CancellationToken cancellationToken)
        {
            try
            {
                return (await ExecAsync(engine, ["image", "inspect", Image], cancellationToken)).ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        public static async Task<string> RunAsync(string engine, IReadOnlyList<string> args, CancellationToken cancellationToken)
        {
            var (exitCode, stdout, stderr) = await ExecAsync(engine, args, cancellationToken);
            return exitCode == 0 ? stdout : throw new InvalidOperationException($"{engine} {string.Join(' ', args)} failed ({exitCode}): {stderr}");
        }

        public static async Task RemoveAsync(string engine, string container, CancellationToken cancellationToken, IReadOnlyList<string>? volumes = null)
        {
            // docker rm has no -t; --init makes the container end at once on SIGKILL from -f anyway.
            await RunAsync(engine, engine == "podman" ? ["rm", "-f", "-t", "0", container] : ["rm", "-f", container], cancellationToken);
            if (volumes is { Count: > 0 })
            {
                await RunAsync(engine, ["volume", "rm", "-f", .. volumes], cancellationToken);
            }
        }

        /// <summary>The container the server made for <paramref name="sandbox"/> (<c>mcp-sb-OWNER-NAME</c>).</summary>
        public static async Task<string> ContainerOfAsync(string engine, string sandbox, CancellationToken cancellationToken)
        {
            var names = await RunAsync(engine, ["ps", "--format", "{{.Names}}"], cancellationToken);
            return names.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Single(n => n.StartsWith("mcp-sb-", StringComparison.Ordinal) && n.EndsWith("-" + sandbox, StringComparison.Ordinal));
        }

        public static async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string engine, IReadOnlyList<string> args, CancellationToken cancellationToken)
        {
            var info = new ProcessStartInfo(engine) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            foreach (var (key, value) in Environment(engine))
            {
                info.Environment[key] = value;
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
