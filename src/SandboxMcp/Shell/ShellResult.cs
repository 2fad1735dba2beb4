namespace SandboxMcp.Shell;

/// <summary>What one command in a persistent shell produced.</summary>
/// <param name="ExitCode">The command's exit status; 124 when it timed out.</param>
/// <param name="Stdout">Stdout as UTF-8 (invalid bytes replaced), at most the cap.</param>
/// <param name="Stderr">Stderr, likewise.</param>
/// <param name="StdoutDroppedBytes">Stdout bytes past the cap, drained and dropped.</param>
/// <param name="StderrDroppedBytes">Stderr bytes past the cap.</param>
/// <param name="Duration">Wall time from sending the command to its end marker.</param>
/// <param name="TimedOut">True when the timeout fired and the command's process tree was killed.</param>
/// <param name="ShellExited">True when the command ended the shell (<c>exit</c>, <c>exec</c>, a signal); the next command gets a fresh one.</param>
/// <param name="WorkingDirectory">The shell's working directory after the command, when known.</param>
public sealed record ShellResult(
    int ExitCode,
    string Stdout,
    string Stderr,
    long StdoutDroppedBytes,
    long StderrDroppedBytes,
    TimeSpan Duration,
    bool TimedOut,
    bool ShellExited,
    string? WorkingDirectory);
