namespace SandboxMcp.Runtimes.Container;

/// <summary>What a dialect turns into a <c>run -d</c> command line: a long-lived container for one sandbox.</summary>
public sealed record ContainerRunSpec
{
    /// <summary>Container name (also its id on Apple <c>container</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Image reference.</summary>
    public required string Image { get; init; }

    /// <summary>Labels (owner, sandbox name); values never contain <c>=</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>CPUs.</summary>
    public double Cpus { get; init; } = 2;

    /// <summary>Memory limit in bytes (swap is limited to the same, so the limit is real).</summary>
    public long MemoryBytes { get; init; } = 1L << 30;

    /// <summary>Most processes.</summary>
    public int Pids { get; init; } = 1024;

    /// <summary>Network to join; null means no network but loopback.</summary>
    public string? Network { get; init; }

    /// <summary>Name other containers on the network reach this one by.</summary>
    public string? NetworkAlias { get; init; }

    /// <summary>Host name inside the container.</summary>
    public string? Hostname { get; init; }

    /// <summary>Named volumes: volume name → mount point.</summary>
    public IReadOnlyList<(string Volume, string Target)> Volumes { get; init; } = [];

    /// <summary>Host directory with the sandbox-ctl socket to share with the container, when it may spawn children.</summary>
    public string? CtlDirectory { get; init; }

    /// <summary>Host directory of the allowlist proxy's socket, mounted read-only at <see cref="ProxyBridge.Mount"/>; null without an allowlist.</summary>
    public string? ProxyDirectory { get; init; }

    /// <summary>The container's main process; it only has to stay alive.</summary>
    public IReadOnlyList<string> Command { get; init; } = ["sleep", "infinity"];
}
