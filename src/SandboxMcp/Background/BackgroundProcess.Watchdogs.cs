using System.Globalization;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Background;

public sealed partial class BackgroundProcess
{
    /// <summary>
    /// Reads the RSS of the run's process group, measured inside the sandbox once a second by one long-lived
    /// monitor process, and kills the group when it passes the limit.
    /// </summary>
    private async Task WatchMemoryAsync(BackgroundRun run, int limitMb, CancellationToken cancellationToken)
    {
        try
        {
            await using var monitor = await _launcher.StartAsync(new ProcessSpec(BackgroundScripts.MemoryMonitorArgv(run.Pid)), cancellationToken);
            await monitor.StandardInput.DisposeAsync();
            _ = ProcessRunner.DrainAsync(monitor.StandardError, new Shell.CappedOutput(0), cancellationToken);
            using var lines = new StreamReader(monitor.StandardOutput);
            while (await lines.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                {
                    continue;
                }

                Volatile.Write(ref _memoryKb, kb);
                if (kb <= limitMb * 1024L || !run.MarkKilled(ExitReason.OutOfMemory))
                {
                    continue;
                }

                var what = $"memory watchdog: RSS of its process group is {kb / 1024.0:0.#} MB, over max_memory_mb {limitMb}; killing it";
                Logs.Note(what);
                LogEvent(Id, what);
                await KillFamilyAsync(run.Pid, "KILL", TimeSpan.Zero, CancellationToken.None);
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
        catch (Exception ex) when (ex is SandboxException or IOException)
        {
            Logs.Note($"memory watchdog stopped: {ex.Message}");
        }
    }

    /// <summary>
    /// Probes the run every interval from inside the sandbox; after <c>retries</c> consecutive failures (not counting
    /// the start period) it is unhealthy, and killed so the restart policy can start it again (unless the policy is
    /// "no", which leaves it running and marked unhealthy).
    /// </summary>
    private async Task WatchHealthAsync(BackgroundRun run, HealthCheck check, CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            while (true)
            {
                await Task.Delay(check.Interval, _time, cancellationToken);
                var (healthy, detail) = await ProbeAsync(check, cancellationToken);
                if (healthy)
                {
                    if (_health == "unhealthy")
                    {
                        Logs.Note("health check passes again");
                    }

                    failures = 0;
                    _health = "healthy";
                    continue;
                }

                if (_health != "healthy" && _time.GetUtcNow() - run.StartedAt < check.StartPeriod)
                {
                    continue;
                }

                if (++failures < check.Retries)
                {
                    continue;
                }

                if (Request.Restart == RestartPolicy.No)
                {
                    if (_health != "unhealthy")
                    {
                        Logs.Note($"health check failed {failures} times in a row ({detail}); unhealthy, left running (restart policy \"no\")");
                    }

                    _health = "unhealthy";
                    continue;
                }

                _health = "unhealthy";
                if (run.MarkKilled(ExitReason.Unhealthy))
                {
                    var what = $"health check failed {failures} times in a row ({detail}); killing it";
                    Logs.Note(what);
                    LogEvent(Id, what);
                    await KillFamilyAsync(run.Pid, "TERM", _options.StopGrace, CancellationToken.None);
                }

                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    /// <summary>One health probe inside the sandbox: healthy, or why not.</summary>
    private async Task<(bool Healthy, string Detail)> ProbeAsync(HealthCheck check, CancellationToken cancellationToken)
    {
        // The probe has its own timeout inside the sandbox; this one covers a slow engine client on top.
        using var timeout = new CancellationTokenSource(check.Timeout + TimeSpan.FromSeconds(10), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var output = await _launcher.RunAsync(new ProcessSpec(BackgroundScripts.HealthCheckArgv(check), null, WorkDir), ReadOnlyMemory<byte>.Empty, 2048, linked.Token);
            if (output.ExitCode == 0)
            {
                return (true, "ok");
            }

            var text = output.ErrorText;
            var last = text.Length == 0 ? "" : ": " + text.Split('\n')[^1].Trim();
            return (false, $"{check.Describe()} exit {output.ExitCode}{last}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (false, $"{check.Describe()} timed out");
        }
        catch (SandboxException ex)
        {
            return (false, ex.Message);
        }
    }
}
