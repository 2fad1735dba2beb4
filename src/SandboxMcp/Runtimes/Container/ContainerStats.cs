namespace SandboxMcp.Runtimes.Container;

/// <summary>One sample of a container's resource use; null fields were not reported.</summary>
/// <param name="CpuPercent">CPU use, 100 = one core.</param>
/// <param name="MemoryBytes">Memory in use.</param>
/// <param name="MemoryLimitBytes">Memory limit.</param>
/// <param name="Pids">Processes.</param>
public sealed record ContainerStats(double? CpuPercent, long? MemoryBytes, long? MemoryLimitBytes, int? Pids);
