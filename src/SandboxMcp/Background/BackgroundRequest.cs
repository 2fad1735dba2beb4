namespace SandboxMcp.Background;

/// <summary>A validated <c>bg</c> call.</summary>
/// <param name="Command">Shell text, run by <c>sh -c</c>.</param>
/// <param name="WorkDir">Directory inside the sandbox (absolute, or relative to the shell's); null: the shell's.</param>
/// <param name="Restart">When it is started again after it ends.</param>
/// <param name="MaxMemoryMb">RSS limit of its whole process group in MiB; null: none.</param>
/// <param name="Health">Health check; null: none.</param>
public sealed record BackgroundRequest(string Command, string? WorkDir, RestartPolicy Restart, int? MaxMemoryMb, HealthCheck? Health);
