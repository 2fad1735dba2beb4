namespace SandboxMcp.Manager;

/// <summary>What a sandbox uses now; null fields are not measurable on its tier.</summary>
/// <param name="Sandbox">Sandbox name.</param>
/// <param name="CpuPercent">CPU use, 100 = one core.</param>
/// <param name="MemoryBytes">Memory in use.</param>
/// <param name="MemoryLimitBytes">Memory limit in force.</param>
/// <param name="Pids">Processes.</param>
/// <param name="DiskPath">The file system measured (the work directory's).</param>
/// <param name="DiskUsedBytes">Used space on it.</param>
/// <param name="DiskTotalBytes">Its size.</param>
public sealed record SandboxStats(
    string Sandbox,
    double? CpuPercent,
    long? MemoryBytes,
    long? MemoryLimitBytes,
    int? Pids,
    string DiskPath,
    long? DiskUsedBytes,
    long? DiskTotalBytes);
