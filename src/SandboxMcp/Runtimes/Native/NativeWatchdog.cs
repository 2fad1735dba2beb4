using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Native;

/// <summary>
/// Enforces memory and process limits on native sandboxes, which have no cgroup: every half second it sums the
/// RSS of each sandbox's sessions and, over the limit, kills the largest process, as the kernel's OOM killer
/// would inside a container. Over the process limit it kills every process but the session leaders.
/// </summary>
public sealed partial class NativeWatchdog(ILogger<NativeWatchdog> logger, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly ConcurrentDictionary<string, SandboxLimits> _sandboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _sessions = new();
    private readonly ConcurrentDictionary<string, WatchdogKill> _lastKill = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <summary>A kill the watchdog made.</summary>
    public sealed record WatchdogKill(DateTimeOffset At, int Pid, string Reason);

    private sealed record SandboxLimits(long MemoryBytes, int Pids);

    /// <summary>Watches a new session (a process started with setsid) of a sandbox.</summary>
    public void Track(string sandboxId, int session, long memoryBytes, int pids)
    {
        if (!ProcFs.IsAvailable)
        {
            return;
        }

        _sandboxes[sandboxId] = new SandboxLimits(memoryBytes, pids);
        _sessions[session] = sandboxId;
        lock (_startLock)
        {
            _loop ??= Task.Run(LoopAsync);
        }
    }

    /// <summary>Sessions started for a sandbox that still have processes.</summary>
    public IReadOnlyList<int> SessionsOf(string sandboxId) =>
        [.. _sessions.Where(pair => pair.Value == sandboxId).Select(pair => pair.Key)];

    /// <summary>Stops watching a sandbox.</summary>
    public void Forget(string sandboxId)
    {
        _sandboxes.TryRemove(sandboxId, out _);
        _lastKill.TryRemove(sandboxId, out _);
        foreach (var session in SessionsOf(sandboxId))
        {
            _sessions.TryRemove(session, out _);
        }
    }

    /// <summary>The last kill in a sandbox since <paramref name="since"/>, if any.</summary>
    public WatchdogKill? LastKillSince(string sandboxId, DateTimeOffset since) =>
        _lastKill.TryGetValue(sandboxId, out var kill) && kill.At >= since ? kill : null;

    /// <summary>Resident memory and process count of a sandbox's sessions now.</summary>
    public (long RssBytes, int Processes) Sample(string sandboxId)
    {
        var sessions = SessionsOf(sandboxId).ToHashSet();
        var processes = ProcFs.ListProcesses().Where(p => sessions.Contains(p.Session)).ToList();
        return (processes.Sum(p => p.RssBytes), processes.Count);
    }

    /// <summary>What a watched sandbox uses now (memory and processes; CPU is not measured).</summary>
    public ResourceUsage Usage(string sandboxId, SandboxSpec spec)
    {
        if (!ProcFs.IsAvailable)
        {
            return new ResourceUsage(null, null, spec.MemoryBytes, null);
        }

        var (rss, processes) = Sample(sandboxId);
        return new ResourceUsage(null, rss, spec.MemoryBytes, processes);
    }

    /// <summary>The reason for a 137 or 124 exit when the watchdog killed something since <paramref name="since"/>.</summary>
    public string? Explain(string sandboxId, int exitCode, DateTimeOffset since) =>
        exitCode is 137 or 124 ? LastKillSince(sandboxId, since)?.Reason : null;

    /// <summary>One pass over /proc; public for tests.</summary>
    public void Check()
    {
        if (_sessions.IsEmpty)
        {
            return;
        }

        var bySandbox = new Dictionary<string, List<ProcFs.ProcessStat>>(StringComparer.Ordinal);
        var liveSessions = new HashSet<int>();
        foreach (var process in ProcFs.ListProcesses())
        {
            if (_sessions.TryGetValue(process.Session, out var sandboxId))
            {
                liveSessions.Add(process.Session);
                if (!bySandbox.TryGetValue(sandboxId, out var list))
                {
                    bySandbox[sandboxId] = list = [];
                }

                list.Add(process);
            }
        }

        foreach (var session in _sessions.Keys.Where(s => !liveSessions.Contains(s)))
        {
            _sessions.TryRemove(session, out _);
        }

        foreach (var (sandboxId, processes) in bySandbox)
        {
            if (_sandboxes.TryGetValue(sandboxId, out var limits))
            {
                Enforce(sandboxId, limits, processes);
            }
        }
    }

    private void Enforce(string sandboxId, SandboxLimits limits, List<ProcFs.ProcessStat> processes)
    {
        if (processes.Count > limits.Pids)
        {
            var victims = processes.Where(p => p.Pid != p.Session).ToList();
            foreach (var victim in victims)
            {
                Signals.Kill(victim.Pid);
            }

            Record(sandboxId, victims.Count > 0 ? victims[0].Pid : 0, $"process limit: {processes.Count} processes exceeded the limit of {limits.Pids}");
            return;
        }

        var total = processes.Sum(p => p.RssBytes);
        if (total <= limits.MemoryBytes)
        {
            return;
        }

        var largest = processes.MaxBy(p => p.RssBytes);
        Signals.Kill(largest.Pid);
        Record(sandboxId, largest.Pid, $"out of memory: limit {ByteSize.Format(limits.MemoryBytes)}; the memory watchdog killed pid {largest.Pid} ({ByteSize.Format(largest.RssBytes)} resident, {ByteSize.Format(total)} in the sandbox)");
    }

    private void Record(string sandboxId, int pid, string reason)
    {
        _lastKill[sandboxId] = new WatchdogKill(time.GetUtcNow(), pid, reason);
        LogKilled(sandboxId, reason);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    Check();
                }
#pragma warning disable CA1031 // The watchdog must survive a surprise in /proc; it logs and checks again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogCheckFailed(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is { } loop)
        {
            await loop;
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Native sandbox {SandboxId}: {Reason}")]
    private partial void LogKilled(string sandboxId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Native watchdog check failed")]
    private partial void LogCheckFailed(Exception exception);
}
