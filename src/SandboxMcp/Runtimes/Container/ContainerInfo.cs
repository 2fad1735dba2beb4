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
