namespace SandboxMcp.Manager;

/// <summary>The result of a command in a sandbox, as tools return it.</summary>
/// <param name="ExitCode">Exit status; 124 after a timeout.</param>
/// <param name="Stdout">Standard output, up to the cap.</param>
/// <param name="Stderr">Standard error, up to the cap.</param>
/// <param name="DurationMs">Wall time in milliseconds.</param>
/// <param name="TimedOut">True when the timeout killed the command's process tree.</param>
/// <param name="StdoutTruncatedBytes">Stdout bytes dropped past the cap.</param>
/// <param name="StderrTruncatedBytes">Stderr bytes dropped past the cap.</param>
/// <param name="Cwd">Working directory after the command.</param>
/// <param name="Note">What else the caller should know: out of memory, shell restarted, sandbox recreated.</param>
public sealed record CommandResult(
    int ExitCode,
    string Stdout,
    string Stderr,
    long DurationMs,
    bool TimedOut,
    long StdoutTruncatedBytes,
    long StderrTruncatedBytes,
    string? Cwd,
    string? Note);
