namespace SandboxMcp.Runtimes;

/// <summary>What a sandbox uses now, as far as its runtime can tell; null fields are not known on that tier.</summary>
/// <param name="CpuPercent">CPU use, 100 = one core.</param>
/// <param name="MemoryBytes">Memory in use.</param>
/// <param name="MemoryLimitBytes">Memory limit in force.</param>
/// <param name="Pids">Processes.</param>
public sealed record ResourceUsage(double? CpuPercent, long? MemoryBytes, long? MemoryLimitBytes, int? Pids);
