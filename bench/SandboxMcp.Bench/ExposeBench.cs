using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Bench;

/// <summary>
/// Port forwarding of a server on the sandbox's 127.0.0.1 (the case that needs a tunnel inside the sandbox): throughput
/// of one large download, connect latency (connect + small request + reply to EOF) and a page load (30 requests, six
/// at a time) through <c>expose</c>, beside a raw baseline in the same run: direct TCP on native (it shares the host's
/// network), <c>podman exec -i NAME nc -N 127.0.0.1 PORT</c> driven directly on podman (what a process per connection
/// costs); bubblewrap has no raw baseline here. Target: at least half of raw throughput.
/// </summary>
public static class ExposeBench
{
    private const int SandboxPort = 47311;
    private const long BlastBytes = 200L * 1024 * 1024;

    /// <summary>Reads one request line: <c>blast N</c> sends N bytes, anything else gets <c>pong</c>; then closes.</summary>
    private const string Server = """
        import socketserver, sys
        block = b"x" * (1 << 20)
        class H(socketserver.StreamRequestHandler):
            def handle(self):
                line = self.rfile.readline().split()
                if line[:1] == [b"blast"]:
                    left = int(line[1])
                    while left > 0:
                        n = min(left, len(block))
                        self.wfile.write(block[:n])
                        left -= n
                else:
                    self.wfile.write(b"pong\n")
        class S(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True
        S((sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1", int(sys.argv[1])), H).serve_forever()
        """;

    public static async Task RunAsync(int calls, CancellationToken cancellationToken)
    {
        var rounds = Math.Clamp(calls / 20, 10, 50);
        foreach (var (tier, config) in Tiers())
        {
            Console.WriteLine($"# expose ({tier}): {BlastBytes >> 20} MB download x3 (best), latency {rounds} rounds, server on the sandbox's 127.0.0.1");
            await using var server = await BenchServer.StartAsync(config, cancellationToken);
            var hostPort = await StartAndExposeAsync(server, SandboxPort, "127.0.0.1", cancellationToken);
            Func<string, Task<long>>? raw = tier switch
            {
                "native" => request => TcpRequestAsync(SandboxPort, request, cancellationToken),
                "podman" => request => PodmanNcRequestAsync(ContainerNames.Container(ContainerNames.Owner(server.StateDirectory), "default", 128), request, cancellationToken),
                _ => null,
            };
            Task<long> Forwarded(string request) => TcpRequestAsync(hostPort, request, cancellationToken);
            var rawName = tier == "native" ? "direct TCP" : "podman exec -i nc -N (one process per connection)";

            // The first connection pays for starting the tunnel process (one engine exec); later ones ride it.
            var first = Stopwatch.GetTimestamp();
            await Forwarded("ping\n");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"first connection via expose (" + tier + ")",-44} {Stopwatch.GetElapsedTime(first).TotalMilliseconds,8:0.0} ms"));

            var forwardedRate = await ThroughputAsync(Forwarded);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"throughput via expose (" + tier + ")",-44} {forwardedRate,8:0.0} MB/s"));
            if (raw is not null)
            {
                var rawRate = await ThroughputAsync(raw);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"throughput raw " + rawName,-44} {rawRate,8:0.0} MB/s  (expose = {forwardedRate / rawRate:P0} of raw)"));
            }

            if (tier == "native")
            {
                // The issue's baseline, a raw nc pipe to the same port, beside the stricter kernel-only one above.
                Task<long> NcPipe(string request) => NcPipeRequestAsync(["nc", "-N", "127.0.0.1", SandboxPort.ToString(CultureInfo.InvariantCulture)], request, cancellationToken);
                var ncRate = await ThroughputAsync(NcPipe);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"throughput raw nc -N pipe",-44} {ncRate,8:0.0} MB/s  (expose = {forwardedRate / ncRate:P0} of raw nc)"));
            }

            Console.WriteLine(await Timing.MeasureAsync($"connect + ping/pong via expose ({tier})", 2, rounds, () => Forwarded("ping\n")));
            if (raw is not null)
            {
                Console.WriteLine(await Timing.MeasureAsync($"connect + ping/pong raw {rawName}", 2, rounds, () => raw("ping\n")));
            }

            // What a browser does with a dev server's page: many short connections, six at a time.
            Console.WriteLine(await Timing.MeasureAsync($"page load: {PageRequests} requests, 6 at a time, via expose", 1, 5, () => PageLoadAsync(Forwarded)));
            if (raw is not null && tier != "native")
            {
                Console.WriteLine(await Timing.MeasureAsync($"page load: {PageRequests} requests, 6 at a time, raw", 1, 3, () => PageLoadAsync(raw)));
            }

            var forward = (await server.CallAsync("network_info", [], cancellationToken)).GetProperty("forwards")[0];
            Console.WriteLine($"tunnel: {forward.GetProperty("tunnel").GetString()}; {forward.GetProperty("connections").GetInt64()} connections, "
                + $"{forward.GetProperty("tunnelled_connections").GetInt64()} tunnelled, {forward.GetProperty("tunnel_processes").GetInt64()} tunnel process(es) started");
            if (tier == "podman")
            {
                // A server on all the container's interfaces is reached at the container's address, no exec per connection.
                var directPort = await StartAndExposeAsync(server, SandboxPort + 1, "0.0.0.0", cancellationToken);
                Task<long> Direct(string request) => TcpRequestAsync(directPort, request, cancellationToken);
                var directRate = await ThroughputAsync(Direct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"throughput via expose, server on 0.0.0.0",-44} {directRate,8:0.0} MB/s"));
                Console.WriteLine(await Timing.MeasureAsync($"connect + ping/pong via expose, server on 0.0.0.0", 2, rounds, () => Direct("ping\n")));
            }

            Console.WriteLine();
            await server.CallAsync("destroy", new() { ["sandbox"] = "default" }, cancellationToken);
        }
    }

    private const int PageRequests = 30;

    /// <summary><see cref="PageRequests"/> ping requests, at most six connections open at once, as a browser loads a page.</summary>
    private static async Task PageLoadAsync(Func<string, Task<long>> request)
    {
        using var slots = new SemaphoreSlim(6);
        await Task.WhenAll(Enumerable.Range(0, PageRequests).Select(async _ =>
        {
            await slots.WaitAsync();
            try
            {
                await request("ping\n");
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary>Starts the bench server on <paramref name="port"/> bound to <paramref name="bind"/> in the sandbox and exposes it.</summary>
    private static async Task<int> StartAndExposeAsync(BenchServer server, int port, string bind, CancellationToken cancellationToken)
    {
        var command = $"setsid nohup python3 -c '{Server.Replace("'", "'\\''", StringComparison.Ordinal)}' {port} {bind} >/dev/null 2>&1 & "
            + $"for i in $(seq 100); do python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), 1)' 2>/dev/null && exit 0; sleep 0.1; done; exit 1";
        var started = await server.ExecAsync(command, "default", cancellationToken);
        if (started.GetProperty("exit_code").GetInt32() != 0)
        {
            throw new InvalidOperationException("the bench server did not start in the sandbox");
        }

        var exposed = await server.CallAsync("expose", new() { ["port"] = port }, cancellationToken);
        return exposed.GetProperty("forward").GetProperty("host_port").GetInt32();
    }

    /// <summary>Best of three downloads of <see cref="BlastBytes"/>, in MB/s.</summary>
    private static async Task<double> ThroughputAsync(Func<string, Task<long>> request)
    {
        var best = 0.0;
        for (var i = 0; i < 3; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var received = await request($"blast {BlastBytes}\n");
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (received != BlastBytes)
            {
                throw new InvalidOperationException($"received {received} bytes, expected {BlastBytes}");
            }

            best = Math.Max(best, received / seconds / (1 << 20));
        }

        return best;
    }

    /// <summary>Connects, sends the request, half-closes and counts the reply's bytes to EOF.</summary>
    private static async Task<long> TcpRequestAsync(int port, string request, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        return await CountAsync(buffer => socket.ReceiveAsync(buffer, cancellationToken));
    }

    /// <summary>The raw baseline on podman: the engine client with nc, started directly (no server, no Pipelines).</summary>
    private static Task<long> PodmanNcRequestAsync(string container, string request, CancellationToken cancellationToken) =>
        NcPipeRequestAsync(["podman", "exec", "-i", container, "nc", "-N", "127.0.0.1", SandboxPort.ToString(CultureInfo.InvariantCulture)], request, cancellationToken);

    /// <summary>A raw nc pipe: the request into nc's stdin, the reply counted from its stdout.</summary>
    private static async Task<long> NcPipeRequestAsync(IReadOnlyList<string> argv, string request, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(argv[0], argv.Skip(1))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        if (Environment.GetEnvironmentVariable("CONTAINERS_CONF") is null && ContainersConf() is { } conf)
        {
            info.Environment["CONTAINERS_CONF"] = conf;
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.BaseStream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.BaseStream;
        var count = await CountAsync(buffer => stdout.ReadAsync(buffer, cancellationToken));
        await process.WaitForExitAsync(cancellationToken);
        return count;
    }

    private static async Task<long> CountAsync(Func<Memory<byte>, ValueTask<int>> read)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await read(buffer)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static string? ContainersConf()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "images", "containers.conf");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static IEnumerable<(string Tier, string Config)> Tiers() =>
        AvailableTiers().Where(t => Environment.GetEnvironmentVariable("SBXBENCH_EXPOSE_TIERS") is not { Length: > 0 } only || only.Split(',').Contains(t.Tier));

    private static IEnumerable<(string Tier, string Config)> AvailableTiers()
    {
        yield return ("native", """{"defaultTier": "native"}""");
        if (File.Exists("/usr/bin/bwrap"))
        {
            yield return ("seatbelt", """{"defaultTier": "seatbelt"}""");
        }

        if (ChildrenBench.PodmanHasBaseImage())
        {
            yield return ("podman", """{"defaultTier": "vm", "engine": "podman", "sandboxDefaults": {"memory": "512m", "cpus": 1}}""");
        }
    }
}
