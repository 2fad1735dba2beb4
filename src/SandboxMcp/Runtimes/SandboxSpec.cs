namespace SandboxMcp.Runtimes;

/// <summary>Everything a runtime needs to create one sandbox; resolved from profile, defaults and the create call.</summary>
public sealed record SandboxSpec
{
    /// <summary>The sandbox name (validated).</summary>
    public required string Name { get; init; }

    /// <summary>The tier the sandbox runs in.</summary>
    public required SandboxTier Tier { get; init; }

    /// <summary>Container image (vm tier only).</summary>
    public string? Image { get; init; }

    /// <summary>CPUs.</summary>
    public double Cpus { get; init; } = 2;

    /// <summary>Memory limit in bytes.</summary>
    public long MemoryBytes { get; init; } = 1L << 30;

    /// <summary>Most processes at once.</summary>
    public int Pids { get; init; } = 1024;

    /// <summary>Most open files per process.</summary>
    public int OpenFiles { get; init; } = 4096;

    /// <summary>Network access.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Default;

    /// <summary>Hosts reachable through the proxy with <see cref="NetworkMode.Allowlist"/> (seatbelt tier, vm on podman/docker), as configured.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Extra host paths readable inside (seatbelt tier), as configured (<c>~</c> not yet expanded).</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>Extra host paths readable and writable inside (seatbelt tier, vm on podman/docker), as configured.</summary>
    public IReadOnlyList<string> ReadWritePaths { get; init; } = [];

    /// <summary>Host paths denied inside (seatbelt tier) on top of the built-in credential list, as configured.</summary>
    public IReadOnlyList<string> DeniedPaths { get; init; } = [];

    /// <summary>Environment every process in the sandbox starts with (profile env and passed-through variables).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The parent sandbox, for children spawned through sandbox-ctl.</summary>
    public string? Parent { get; init; }

    /// <summary>
    /// Host directory holding this sandbox's <c>sandbox-ctl</c> socket (<c>ctl.sock</c>), for sandboxes allowed to
    /// spawn children; runtimes make the socket reachable inside and record where in the handle
    /// (<see cref="RuntimeHandle.CtlSocketProperty"/>).
    /// </summary>
    public string? CtlDirectory { get; init; }
}
