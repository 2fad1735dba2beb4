namespace SandboxMcp.Runtimes;

/// <summary>Network access of a sandbox.</summary>
public enum NetworkMode
{
    /// <summary>The engine's default network (native: the host's).</summary>
    Default,

    /// <summary>Loopback only.</summary>
    None,
}
