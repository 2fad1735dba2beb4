using System.Globalization;
using Polly;
using Polly.Retry;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Background;

public sealed partial class BackgroundProcess
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Watches runs and starts new ones as the restart policy says, with exponential backoff (Polly retry whose
    /// delay comes from <see cref="RestartBackoff"/>, so a run that lasted resets it).
    /// </summary>
    private async Task SuperviseAsync(BackgroundRun first)
    {
        var backoff = _options.Backoff();
        var pipeline = new ResiliencePipelineBuilder<RunOutcome> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<RunOutcome>
            {
                ShouldHandle = args => ValueTask.FromResult(!_stopping && args.Outcome.Result is { } outcome && Request.Restart.ShouldRestart(outcome)),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(backoff.Next(args.Outcome.Result?.Uptime ?? TimeSpan.Zero)),
                OnRetry = args =>
                {
                    var what = $"{args.Outcome.Result?.Describe()}; restarting in {args.RetryDelay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s (policy {Request.Restart.ToName()})";
                    Logs.Note(what);
                    LogEvent(Id, what);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        var pending = first;
        RunOutcome final;
        try
        {
            final = await pipeline.ExecuteAsync(
                async token =>
                {
                    if (Interlocked.Exchange(ref pending, null) is not { } run)
                    {
                        Interlocked.Increment(ref _restarts);
                        try
                        {
                            run = await LaunchAsync(token);
                        }
                        catch (SandboxException ex)
                        {
                            Logs.Note($"could not restart: {ex.Message}");
                            return new RunOutcome(null, ExitReason.StartFailed, TimeSpan.Zero);
                        }
                    }

                    return await WatchAsync(run);
                },
                _stop.Token);
        }
        catch (OperationCanceledException)
        {
            final = new RunOutcome(_lastOutcome?.ExitCode, ExitReason.Stopped, TimeSpan.Zero);
        }
#pragma warning disable CA1031 // The supervisor must always end in a state status can show, whatever broke.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSupervisorFailed(ex, Id);
            Logs.Note($"supervisor error, no more restarts: {ex.Message}");
            final = new RunOutcome(_lastOutcome?.ExitCode, ExitReason.StartFailed, TimeSpan.Zero);
        }

        var ended = final.Reason == ExitReason.Stopped || _stopping ? final with { Reason = ExitReason.Stopped } : final;
        var note = ended.Reason == ExitReason.Stopped ? "stopped" : $"{final.Describe()}; not restarted (policy {Request.Restart.ToName()})";
        Logs.Note(note);
        LogEvent(Id, note);

        // Published after the note: whoever sees the process ended also finds why in its logs.
        _final = ended;
    }

    /// <summary>Starts one run and makes it the current one.</summary>
    private async Task<BackgroundRun> LaunchAsync(CancellationToken cancellationToken)
    {
        var run = await BackgroundRun.StartAsync(_launcher, _statePath, WorkDir, Request.Command, Logs, _time, _options.StartTimeout, cancellationToken);
        Volatile.Write(ref _pid, run.Pid);
        Volatile.Write(ref _memoryKb, -1);
        _startedAt = run.StartedAt;
        _health = Request.Health is null ? null : "starting";
        _current = run;
        LogStarted(Id, run.Pid);
        return run;
    }

    /// <summary>Waits for a run to end while its watchdogs watch it, and says how it ended.</summary>
    private async Task<RunOutcome> WatchAsync(BackgroundRun run)
    {
        if (_stopping)
        {
            // Stopped while this run was starting.
            run.MarkKilled(ExitReason.Stopped);
            await KillFamilyAsync(run.Pid, "KILL", TimeSpan.Zero, CancellationToken.None);
        }

        using var watching = new CancellationTokenSource();
        var memory = Request.MaxMemoryMb is { } limit ? WatchMemoryAsync(run, limit, watching.Token) : Task.CompletedTask;
        var health = Request.Health is { } check ? WatchHealthAsync(run, check, watching.Token) : Task.CompletedTask;
        var exitCode = await run.WaitForExitAsync(CancellationToken.None);
        await watching.CancelAsync();
        await Task.WhenAll(memory, health);
        var reason = run.KillReason ?? ExitReason.Exited;
        if (reason == ExitReason.Exited)
        {
            // Children it left behind in its group would hold ports and files of the next run.
            await KillFamilyAsync(run.Pid, "KILL", TimeSpan.Zero, CancellationToken.None);
        }

        var outcome = new RunOutcome(exitCode, reason, _time.GetUtcNow() - run.StartedAt);
        _lastOutcome = outcome;
        _current = null;
        await run.DisposeAsync();
        return outcome;
    }

    /// <summary>Ends a process group and the tree below its leader from a second process in the sandbox.</summary>
    private async Task KillFamilyAsync(int pid, string signal, TimeSpan grace, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(grace + KillTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await using var killer = await _launcher.StartAsync(new ProcessSpec(ShellScripts.KillFamilyArgv(pid, signal, grace)), linked.Token);
            await killer.StandardInput.DisposeAsync();
            await killer.WaitForExitAsync(linked.Token);
        }
#pragma warning disable CA1031 // Best effort: a sandbox that is gone has no processes left to kill.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogKillFailed(ex, pid);
        }
    }
}
