namespace SandboxMcp.Background;

/// <summary>Why one run of a background process ended.</summary>
public enum ExitReason
{
    /// <summary>It exited by itself.</summary>
    Exited,

    /// <summary>The memory watchdog killed it.</summary>
    OutOfMemory,

    /// <summary>Its health check failed too often and it was killed.</summary>
    Unhealthy,

    /// <summary>It was stopped with <c>kill</c> (or its sandbox went).</summary>
    Stopped,

    /// <summary>It could not be started.</summary>
    StartFailed,
}

/// <summary>How one run of a background process ended.</summary>
/// <param name="ExitCode">Exit status as the sandbox reported it; null when it never started.</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="Uptime">How long it ran.</param>
public sealed record RunOutcome(int? ExitCode, ExitReason Reason, TimeSpan Uptime)
{
    /// <summary>True unless it exited 0 by itself.</summary>
    public bool IsFailure => Reason != ExitReason.Exited || ExitCode != 0;

    /// <summary>A short sentence for logs and status: "exited with code 3", "killed: over its memory limit".</summary>
    public string Describe() => Reason switch
    {
        ExitReason.Exited => $"exited with code {ExitCode}",
        ExitReason.OutOfMemory => "killed by the memory watchdog",
        ExitReason.Unhealthy => "killed: health check failed",
        ExitReason.Stopped => "stopped",
        _ => "could not start",
    };
}
