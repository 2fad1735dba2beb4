using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Background;

/// <summary>
/// bg, logs and kill through a real MCP client, with the supervisor (restarts, memory watchdog, health checks).
/// Each tier derives with its own configuration; the code under test is the same on all of them.
/// </summary>
public abstract class BackgroundProcessTests : ServerTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 180_000)]
    public async Task Bg_HttpServer_AnswersARequestFromInsideTheSandbox()
    {
        var port = FreePort();
        await Server.ExecAsync("mkdir -p site && echo hello-from-bg > site/index.html", cancellationToken: Ct);

        var bg = await Server.CallOkAsync("bg", new
        {
            command = $"python3 -m http.server {port} --bind 127.0.0.1",
            workdir = "site",
            health = new { type = "http", url = $"http://127.0.0.1:{port}/", interval_s = 0.5, timeout_s = 2 },
        }, Ct);
        var id = bg.Get("id");

        Assert.Matches("^bg-[0-9a-f]{6}$", id);
        Assert.True(bg.Number("pid") > 0, bg.Text);
        var fetch = $"python3 -c \"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{port}/index.html', timeout=5).read().decode(), end='')\"";
        var reply = await PollAsync(() => Server.ExecAsync(fetch, timeout: 20, cancellationToken: Ct), r => r.ExitCode == 0, "the server to answer");
        Assert.Equal("hello-from-bg\n", reply.Stdout);
        var status = await PollAsync(() => Server.CallOkAsync("status", null, Ct), s => Entry(s, id).GetProperty("health").GetString() == "healthy", "the health check to pass");
        var entry = Entry(status, id);
        Assert.Equal("running", entry.GetProperty("state").GetString());
        Assert.Equal(0, entry.GetProperty("restarts").GetInt32());
        Assert.Contains(id, status.Text, StringComparison.Ordinal);
        await Server.CallOkAsync("kill", new { id }, Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Bg_ShellState_IsInheritedFromThePersistentShell()
    {
        var cwd = (await Server.ExecAsync("export BG_PROBE=hello-env && mkdir -p sub && cd sub && pwd", cancellationToken: Ct)).Stdout.Trim();

        var id = (await Server.CallOkAsync("bg", new { command = "echo \"$BG_PROBE in $PWD\"" }, Ct)).Get("id");

        var logs = await PollLogsAsync(id, l => l.Get("state") == "exited");
        Assert.Contains($"hello-env in {cwd}\n", logs.Get("output"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Logs_Output_ComesInOrderAndSplitsByStream()
    {
        var id = (await Server.CallOkAsync("bg", new { command = "i=1; while [ $i -le 500 ]; do echo \"line $i\"; i=$((i+1)); done; sleep 0.5; echo to-stderr >&2; sleep 0.5; echo done" }, Ct)).Get("id");

        var logs = await PollLogsAsync(id, l => l.Get("state") == "exited", tail: 1000);
        var lines = logs.Get("output").Split('\n');
        var expected = Enumerable.Range(1, 500).Select(i => $"line {i}").Concat(["to-stderr", "done"]).ToList();
        Assert.Equal(expected, lines.Where(l => !l.StartsWith("[sandbox-mcp]", StringComparison.Ordinal) && l.Length > 0));
        Assert.Contains("[sandbox-mcp] exited with code 0", logs.Get("output"), StringComparison.Ordinal);
        var stderr = await Server.CallOkAsync("logs", new { id, stream = "stderr" }, Ct);
        Assert.Equal(["to-stderr"], stderr.Get("output").Split('\n').Where(l => l.Length > 0 && !l.StartsWith("[sandbox-mcp]", StringComparison.Ordinal)));
        var tail = await Server.CallOkAsync("logs", new { id, stream = "stdout", tail = 2 }, Ct);
        Assert.Equal(2, tail.Number("lines"));
        Assert.True(tail.Number("omitted_lines") >= 500, tail.Text);
    }

    [Fact(Timeout = 120_000)]
    public async Task Logs_Flood_KeepsTheEndAndCountsDroppedBytes()
    {
        // 3 000 000 bytes of 'x' in lines of 100 (plus newlines), then END: more than the 1 MiB ring holds.
        var id = (await Server.CallOkAsync("bg", new { command = "head -c 3000000 /dev/zero | tr '\\0' x | fold -w 100; echo; echo END" }, Ct)).Get("id");

        var logs = await PollLogsAsync(id, l => l.Get("state") == "exited", tail: 3);
        Assert.True(("\n" + logs.Get("output")).Contains("\nEND\n", StringComparison.Ordinal), logs.Text);
        var dropped = logs.Number("dropped_stdout_bytes");
        Assert.InRange(dropped, 3_030_000 - (1 << 20), 3_030_000 - 900_000);
        Assert.Contains("older bytes dropped", logs.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Kill_ProcessTree_EndsEveryProcessInsideTheSandbox()
    {
        var marker = Marker();
        var id = (await Server.CallOkAsync("bg", new { command = $"sleep {marker}1 & (sleep {marker}2 &); sleep {marker}3" }, Ct)).Get("id");
        await PollAsync(() => CountInsideAsync(marker), r => r.Stdout.Trim() == "3", "the three sleeps to start");

        var killed = await Server.CallOkAsync("kill", new { id }, Ct);

        Assert.Equal("stopped", killed.Get("state"));
        Assert.Equal("0", (await CountInsideAsync(marker)).Stdout.Trim());
        var logs = await Server.CallOkAsync("logs", new { id }, Ct);
        Assert.Contains("[sandbox-mcp] stopped", logs.Get("output"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Restart_OnFailure_CrashingProcessIsRestarted()
    {
        var id = (await Server.CallOkAsync("bg", new { command = "echo run; exit 3", restart = "on-failure" }, Ct)).Get("id");

        var logs = await PollLogsAsync(id, l => l.Number("restarts") >= 1 && l.Get("output").Split("run\n").Length >= 3);

        Assert.Contains("[sandbox-mcp] exited with code 3; restarting in 1 s (policy on-failure)", logs.Get("output"), StringComparison.Ordinal);
        var status = await Server.CallOkAsync("status", null, Ct);
        Assert.True(Entry(status, id).GetProperty("restarts").GetInt32() >= 1, status.Text);
        await Server.CallOkAsync("kill", new { id }, Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Restart_OnFailure_CleanExitIsNotRestarted()
    {
        var id = (await Server.CallOkAsync("bg", new { command = "echo once", restart = "on-failure" }, Ct)).Get("id");

        var logs = await PollLogsAsync(id, l => l.Get("state") == "exited");

        Assert.Equal(0, logs.Number("restarts"));
        Assert.Contains("exited with code 0; not restarted (policy on-failure)", logs.Get("output"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task MemoryWatchdog_ProcessOverLimit_IsKilledWithTheReasonInItsLogs()
    {
        var command = "python3 -c \"import time; a = b'x' * (200 * 1024 * 1024); print('allocated', flush=True); time.sleep(600)\"";

        var id = (await Server.CallOkAsync("bg", new { command, max_memory_mb = 64 }, Ct)).Get("id");

        var logs = await PollLogsAsync(id, l => l.Get("state") == "exited");
        Assert.Contains("[sandbox-mcp] memory watchdog: RSS of its process group is", logs.Get("output"), StringComparison.Ordinal);
        Assert.Contains("over max_memory_mb 64; killing it", logs.Get("output"), StringComparison.Ordinal);
        var status = await Server.CallOkAsync("status", null, Ct);
        Assert.Equal("killed by the memory watchdog", Entry(status, id).GetProperty("last_exit").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task HealthCheck_FailingRetries_RestartsTheProcess()
    {
        var health = new { type = "tcp", port = FreePort(), interval_s = 0.5, timeout_s = 1, retries = 2 };

        var id = (await Server.CallOkAsync("bg", new { command = $"sleep {Marker()}", restart = "on-failure", health }, Ct)).Get("id");

        var logs = await PollLogsAsync(id, l => l.Number("restarts") >= 1);
        Assert.Contains("health check failed 2 times in a row", logs.Get("output"), StringComparison.Ordinal);
        await Server.CallOkAsync("kill", new { id, signal = "KILL" }, Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_WhileBgProcessFloodsOutput_IsNotHeldUp()
    {
        var id = (await Server.CallOkAsync("bg", new { command = "while :; do echo tick-tock-tick-tock-tick-tock; done" }, Ct)).Get("id");
        await PollLogsAsync(id, l => l.Get("output").Contains("tick-tock", StringComparison.Ordinal));

        for (var i = 0; i < 10; i++)
        {
            var result = await Server.ExecAsync($"echo hi{i}", timeout: 15, cancellationToken: Ct);

            Assert.Equal($"hi{i}\n", result.Stdout);
            Assert.False(result.Bool("timed_out"));
        }

        await Server.CallOkAsync("kill", new { id }, Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Destroy_EndsBackgroundProcesses()
    {
        var marker = Marker();
        await Server.CallOkAsync("bg", new { command = $"sleep {marker}1 & sleep {marker}2" }, Ct);
        await ProcessProbe.WaitUntilAsync(() => HostProcessesWith(marker) == 2, Deadline, "the sleeps to start", Ct);

        await Server.CallOkAsync("destroy", null, Ct);

        await ProcessProbe.WaitUntilAsync(() => HostProcessesWith(marker) == 0, TimeSpan.FromSeconds(10), "no process of the sandbox left", Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Reset_EndsBackgroundProcesses()
    {
        var marker = Marker();
        var id = (await Server.CallOkAsync("bg", new { command = $"sleep {marker}", restart = "always" }, Ct)).Get("id");
        await ProcessProbe.WaitUntilAsync(() => HostProcessesWith(marker) == 1, Deadline, "the sleep to start", Ct);

        await Server.CallOkAsync("reset", null, Ct);

        await ProcessProbe.WaitUntilAsync(() => HostProcessesWith(marker) == 0, TimeSpan.FromSeconds(10), "no process of the sandbox left", Ct);
        var error = await Server.CallErrorAsync("logs", new { id }, Ct);
        Assert.Contains("no background processes", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task ServerShutdown_EndsBackgroundProcesses()
    {
        var marker = Marker();
        await Server.CallOkAsync("bg", new { command = $"sleep {marker}1 & sleep {marker}2", restart = "always" }, Ct);
        await ProcessProbe.WaitUntilAsync(() => HostProcessesWith(marker) == 2, Deadline, "the sleeps to start", Ct);

        await Server.RestartAsync(cancellationToken: Ct);

        await ProcessProbe.WaitUntilAsync(() => HostProcessesWith(marker) == 0, TimeSpan.FromSeconds(10), "no background process left after shutdown", Ct);
        var error = await Server.CallErrorAsync("kill", new { id = "bg-000000" }, Ct);
        Assert.Contains("no background processes from this server", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Kill_EndedProcess_SaysSoAndSignalsNothing()
    {
        var id = (await Server.CallOkAsync("bg", new { command = "exit 4" }, Ct)).Get("id");
        await PollLogsAsync(id, l => l.Get("state") == "exited");

        var killed = await Server.CallOkAsync("kill", new { id }, Ct);

        Assert.Contains("had already ended (exited with code 4)", killed.Text, StringComparison.Ordinal);
        Assert.Equal("exited", killed.Get("state"));
    }

    /// <summary>A number no other test uses, to find this test's processes by their command line.</summary>
    protected static string Marker() => "31" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>Host processes running <c>sleep MARKER…</c> (container processes are host processes too).</summary>
    protected static int HostProcessesWith(string marker)
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out _)
                    && File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').StartsWith("sleep " + marker, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }

        return count;
    }

    private Task<ToolOutcome> CountInsideAsync(string marker) =>
        // The pattern ends in a bracket expression, so grep's own command line does not match it.
        Server.ExecAsync($"for f in /proc/[0-9]*/cmdline; do {{ tr '\\0' ' ' <\"$f\"; }} 2>/dev/null; echo; done | grep -c '^sleep {marker}[0-9]'", cancellationToken: Ct);

    private async Task<ToolOutcome> PollLogsAsync(string id, Func<ToolOutcome, bool> done, int tail = 200) =>
        await PollAsync(() => Server.CallOkAsync("logs", new { id, tail }, Ct), done, $"logs of {id}");

    private static async Task<ToolOutcome> PollAsync(Func<Task<ToolOutcome>> action, Func<ToolOutcome, bool> done, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        var last = await action();
        while (!done(last))
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}; last result:\n{last.Text}");
            await Task.Delay(100, Ct);
            last = await action();
        }

        return last;
    }

    private static JsonElement Entry(ToolOutcome status, string id) =>
        status.Structured.GetProperty("background").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
