namespace SandboxMcp.Runtimes;

/// <summary>A process to start inside a sandbox: an argument vector, never a command string.</summary>
/// <param name="Argv">Program and arguments.</param>
/// <param name="Env">Variables added to the sandbox's environment for this process.</param>
/// <param name="WorkingDirectory">Working directory inside the sandbox; null means the sandbox's work dir.</param>
public sealed record ProcessSpec(
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string>? Env = null,
    string? WorkingDirectory = null);
