namespace SandboxMcp.Runtimes.Policy;

/// <summary>
/// What a seatbelt-tier sandbox may touch, shared by Seatbelt (macOS) and bubblewrap (Linux). Every path is a
/// real path (symbolic links resolved); the denied list wins over every allow, and the server's state directory
/// is hidden except for the sandbox's own directory and its sandbox-ctl socket.
/// </summary>
public sealed record SandboxPolicy
{
    /// <summary>The sandbox's own directory: HOME and working directory, readable and writable.</summary>
    public required string SandboxDirectory { get; init; }

    /// <summary>The sandbox's temporary directory (inside <see cref="SandboxDirectory"/>); bubblewrap gives a private <c>/tmp</c> instead.</summary>
    public required string TempDirectory { get; init; }

    /// <summary>The server's state directory: never visible, apart from the sandbox's own directory.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>System locations readable by every sandbox (toolchains, libraries, <c>/etc</c>), existing real paths.</summary>
    public IReadOnlyList<string> SystemPaths { get; init; } = [];

    /// <summary>System names that are symbolic links to a readable location (<c>/bin</c> → <c>usr/bin</c>).</summary>
    public IReadOnlyList<PathLink> SystemLinks { get; init; } = [];

    /// <summary>Extra readable host paths from the profile, existing real paths.</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>Extra readable and writable host paths from the profile, existing real paths.</summary>
    public IReadOnlyList<string> ReadWritePaths { get; init; } = [];

    /// <summary>Paths never readable or writable, whatever allows them (credentials, system secrets, the profile's list).</summary>
    public IReadOnlyList<string> DeniedPaths { get; init; } = [];

    /// <summary>True for full network access; false leaves only a loopback of the sandbox's own.</summary>
    public bool NetworkAllowed { get; init; }

    /// <summary>
    /// With <see cref="NetworkAllowed"/> false: the hosts reachable through the server's filtering proxy (normalized
    /// patterns, see <see cref="Network.HostPattern"/>); empty means no network at all.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>True when the sandbox reaches <see cref="AllowedHosts"/> through a proxy.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesProxy => !NetworkAllowed && AllowedHosts.Count > 0;

    /// <summary>The host path of the sandbox-ctl socket, for sandboxes that may spawn children.</summary>
    public string? CtlSocket { get; init; }

    /// <summary>Every writable root: the sandbox's own directory and the profile's read-write paths.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> WritableRoots => ReadWritePaths.Prepend(SandboxDirectory);

    /// <summary>The policy in a few phrases, for <c>status</c>.</summary>
    public IReadOnlyList<string> Summary() =>
    [
        $"writable: {string.Join(", ", WritableRoots)}",
        $"readable: system ({string.Join(", ", SystemPaths)})" + (ReadOnlyPaths.Count == 0 ? "" : $" and {string.Join(", ", ReadOnlyPaths)}"),
        $"denied (wins over every allow): {string.Join(", ", DeniedPaths)}; the server's state directory apart from the sandbox's own",
    ];
}

/// <summary>A symbolic link in a sandbox's view of the host.</summary>
/// <param name="Path">Where the link is (<c>/bin</c>).</param>
/// <param name="Target">What it points to, as written in the link (<c>usr/bin</c>).</param>
public sealed record PathLink(string Path, string Target);
