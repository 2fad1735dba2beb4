namespace SandboxMcp.Runtimes.Container;

/// <summary>A container as an engine reports it.</summary>
/// <param name="Name">Name (id).</param>
/// <param name="State">Engine state, lower case: <c>running</c>, <c>paused</c>, <c>exited</c>, <c>stopped</c>, <c>created</c>.</param>
/// <param name="Labels">Labels.</param>
/// <param name="Image">Image reference, when reported.</param>
/// <param name="IpAddress">First IPv4 address without prefix length, when reported.</param>
/// <param name="StartedAt">When it last started, when reported.</param>
public sealed record ContainerInfo(
    string Name,
    string State,
    IReadOnlyDictionary<string, string> Labels,
    string? Image = null,
    string? IpAddress = null,
    DateTimeOffset? StartedAt = null)
{
    /// <summary>True when processes can be started in it.</summary>
    public bool IsRunning => State == "running";

    /// <summary>True when it is frozen (exec is refused until it is unpaused).</summary>
    public bool IsPaused => State == "paused";
}

/// <summary>One sample of a container's resource use; null fields were not reported.</summary>
/// <param name="CpuPercent">CPU use, 100 = one core.</param>
/// <param name="MemoryBytes">Memory in use.</param>
/// <param name="MemoryLimitBytes">Memory limit.</param>
/// <param name="Pids">Processes.</param>
public sealed record ContainerStats(double? CpuPercent, long? MemoryBytes, long? MemoryLimitBytes, int? Pids);

/// <summary>A local image.</summary>
/// <param name="Name">Reference (<c>repository:tag</c>), or the id when untagged.</param>
/// <param name="Id">Image id (short).</param>
/// <param name="SizeBytes">Size, when reported.</param>
/// <param name="CreatedAt">Creation time, when reported.</param>
public sealed record ImageInfo(string Name, string Id, long? SizeBytes, DateTimeOffset? CreatedAt);
