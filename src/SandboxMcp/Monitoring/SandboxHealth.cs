namespace SandboxMcp.Monitoring;

/// <summary>One sandbox in the <c>health</c> report.</summary>
/// <param name="Sandbox">Sandbox name.</param>
/// <param name="Tier">Tier.</param>
/// <param name="Runtime">Runtime (engine).</param>
/// <param name="State"><c>running</c>, <c>stopped</c> (started again on next use), <c>missing</c> (recreated on next use) or <c>unknown</c>.</param>
/// <param name="Detail">Why the state is what it is, when it is not <c>running</c>.</param>
/// <param name="MemoryBytes">Memory in use.</param>
/// <param name="MemoryLimitBytes">Memory limit.</param>
/// <param name="Disk">Disk use of the working directory, when running.</param>
/// <param name="AttachedHere">True when this server has a shell in it.</param>
public sealed record SandboxHealth(
    string Sandbox,
    string Tier,
    string Runtime,
    string State,
    string? Detail,
    long? MemoryBytes,
    long? MemoryLimitBytes,
    DiskUsage? Disk,
    bool AttachedHere);
