namespace SandboxMcp.Background;

/// <summary>A background process as <c>bg</c>, <c>kill</c> and <c>status</c> report it.</summary>
/// <param name="Id">Its id, e.g. <c>bg-3f9a1c</c>.</param>
/// <param name="Command">The command line.</param>
/// <param name="Pid">Pid of the current (or last) run inside the sandbox.</param>
/// <param name="State">"running", "restarting" (waiting out a backoff), "exited", "stopped" (by kill) or "failed" (could not start).</param>
/// <param name="Restarts">How often the supervisor started it again.</param>
/// <param name="UptimeSeconds">How long the current run has been running; null when not running.</param>
/// <param name="Restart">Its restart policy.</param>
/// <param name="WorkDir">Directory it was started in.</param>
/// <param name="StartedAt">When the current (or last) run started.</param>
/// <param name="MaxMemoryMb">Memory limit of its process group, if any.</param>
/// <param name="MemoryMb">Last measured RSS of its process group (only measured with a limit).</param>
/// <param name="Health">"starting", "healthy" or "unhealthy" with a health check; null without.</param>
/// <param name="HealthCheck">What the health check probes.</param>
/// <param name="ExitCode">Exit code of the last run that ended.</param>
/// <param name="LastExit">How the last run ended: "exited with code 1", "killed by the memory watchdog" …</param>
public sealed record BackgroundInfo(
    string Id,
    string Command,
    int Pid,
    string State,
    int Restarts,
    double? UptimeSeconds,
    string Restart,
    string WorkDir,
    DateTimeOffset StartedAt,
    int? MaxMemoryMb,
    double? MemoryMb,
    string? Health,
    string? HealthCheck,
    int? ExitCode,
    string? LastExit);
