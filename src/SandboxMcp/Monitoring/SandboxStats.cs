namespace SandboxMcp.Monitoring;

/// <summary>What <c>stats</c> reports: resource use now; null fields are not measurable on the sandbox's tier.</summary>
/// <param name="Sandbox">Sandbox name.</param>
/// <param name="Tier">Tier.</param>
/// <param name="Runtime">Runtime (engine).</param>
/// <param name="CpuPercent">CPU use, 100 = one core.</param>
/// <param name="Cpus">CPU limit.</param>
/// <param name="MemoryBytes">Memory in use.</param>
/// <param name="MemoryLimitBytes">Memory limit.</param>
/// <param name="Pids">Processes.</param>
/// <param name="PidsLimit">Process limit.</param>
/// <param name="Disk">Disk use of the working directory.</param>
public sealed record SandboxStats(
    string Sandbox,
    string Tier,
    string Runtime,
    double? CpuPercent,
    double Cpus,
    long? MemoryBytes,
    long? MemoryLimitBytes,
    int? Pids,
    int PidsLimit,
    DiskUsage Disk);
