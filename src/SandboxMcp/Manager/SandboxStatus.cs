namespace SandboxMcp.Manager;

/// <summary>What <c>status</c> reports about one sandbox.</summary>
/// <param name="Name">Sandbox name.</param>
/// <param name="Exists">False when it will only be created on first use.</param>
/// <param name="Tier">Tier in force (or that would be used).</param>
/// <param name="Runtime">Runtime name.</param>
/// <param name="Engine">Engine and version.</param>
/// <param name="Isolation">What really isolates it.</param>
/// <param name="Limits">Enforced limits.</param>
/// <param name="Network">Network access as enforced.</param>
/// <param name="Image">Image, for containers.</param>
/// <param name="WorkDir">Default working directory and HOME.</param>
/// <param name="Cwd">The shell's current directory.</param>
/// <param name="ShellPid">The shell's pid inside the sandbox, when running.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="LastUsedAt">Last use.</param>
/// <param name="ExpiresAt">When the idle TTL reaps it unless used.</param>
/// <param name="EnvSet">Names of variables set with the env tool.</param>
/// <param name="Runtimes">Availability of every runtime on this machine.</param>
/// <param name="TierNote">Why the tier is weaker than the strongest one, when it was chosen automatically.</param>
/// <param name="Parent">The parent, for a child sandbox.</param>
/// <param name="Background">Background processes this server started in it.</param>
/// <param name="Syncs">Host directories this server mirrors into it (sync_start).</param>
/// <param name="SpawnPolicy">What it may spawn (sandbox-ctl at /run/sandbox-ctl.sock, or $SANDBOX_CTL_SOCKET), or null.</param>
/// <param name="Policy">On the seatbelt tier: writable roots, readable paths, denied paths.</param>
public sealed record SandboxStatus(
    string Name,
    bool Exists,
    string Tier,
    string Runtime,
    string? Engine,
    string? Isolation,
    IReadOnlyList<string> Limits,
    string? Network,
    string? Image,
    string? WorkDir,
    string? Cwd,
    int? ShellPid,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> EnvSet,
    IReadOnlyList<RuntimeStatus> Runtimes,
    string? TierNote = null,
    string? Parent = null,
    string? SpawnPolicy = null,
    IReadOnlyList<string>? Policy = null,
    IReadOnlyList<Background.BackgroundInfo>? Background = null,
    IReadOnlyList<SandboxMcp.Transfer.Sync.SyncInfo>? Syncs = null);

/// <summary>Whether a runtime can be used here.</summary>
/// <param name="Name">Runtime name.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Available">True when usable.</param>
/// <param name="Detail">Version, or what is missing and how to fix it.</param>
public sealed record RuntimeStatus(string Name, string Tier, bool Available, string Detail);
