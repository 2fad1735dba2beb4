namespace SandboxMcp.Runtimes;

/// <summary>Network access of a sandbox.</summary>
public enum NetworkMode
{
    /// <summary>The engine's default network (native: the host's).</summary>
    Default,

    /// <summary>Loopback only.</summary>
    None,

    /// <summary>Not chosen: the tier's default (vm: the engine's network; seatbelt: none; native: the host's).</summary>
    Unspecified,

    /// <summary>Seatbelt tier, or vm on podman/docker: no network of its own, only the hosts of <see cref="SandboxSpec.AllowedHosts"/> through the server's proxy.</summary>
    Allowlist,
}
