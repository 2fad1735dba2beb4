using SandboxMcp.Common;
using SandboxMcp.Configuration;

namespace SandboxMcp.Children;

/// <summary>
/// What one sandbox may spawn, in force: its configured policy, or for a child of a sandbox whose policy says
/// <c>childCanSpawn</c>, a derived one with halved limits that cannot spawn further.
/// </summary>
/// <param name="MaxChildren">Children alive at once.</param>
/// <param name="MaxSpawns">Spawns over the sandbox's lifetime.</param>
/// <param name="CpuBudget">CPUs shared by its children.</param>
/// <param name="MemoryBudgetBytes">Memory shared by its children.</param>
/// <param name="AllowedImages">Images children may use besides the sandbox's own.</param>
/// <param name="ChildTtlSeconds">Lifetime of each child.</param>
/// <param name="ChildCanSpawn">Whether its children get a (derived) policy of their own.</param>
/// <param name="InjectCtl">Whether the sandbox-ctl client is put into the sandbox.</param>
public sealed record SpawnPolicy(
    int MaxChildren,
    int MaxSpawns,
    double CpuBudget,
    long MemoryBudgetBytes,
    IReadOnlyList<string> AllowedImages,
    int ChildTtlSeconds,
    bool ChildCanSpawn,
    bool InjectCtl)
{
    /// <summary>Depth of the deepest sandbox in a tree: root 0, children 1, grandchildren 2.</summary>
    public const int MaxDepth = 2;

    /// <summary>The configured policy of a root sandbox, or null when it has none.</summary>
    public static SpawnPolicy? FromConfiguration(SpawnPolicyOptions? options) =>
        options is null
            ? null
            : new SpawnPolicy(
                options.MaxChildren,
                options.MaxSpawns,
                options.CpuBudget,
                ByteSize.Parse(options.MemoryBudget, "memoryBudget"),
                options.AllowedImages,
                options.ChildTtlSeconds,
                options.ChildCanSpawn,
                options.InjectCtl);

    /// <summary>The policy a child gets: half of everything, and no further spawning.</summary>
    public SpawnPolicy DeriveForChild() => this with
    {
        MaxChildren = Math.Max(1, MaxChildren / 2),
        MaxSpawns = Math.Max(1, MaxSpawns / 2),
        CpuBudget = CpuBudget / 2,
        MemoryBudgetBytes = MemoryBudgetBytes / 2,
        ChildTtlSeconds = Math.Max(1, ChildTtlSeconds / 2),
        ChildCanSpawn = false,
    };

    /// <summary>A one-line description for status.</summary>
    public override string ToString() =>
        $"up to {MaxChildren} children at once, {MaxSpawns} in all, {CpuBudget:0.##} cpus and {ByteSize.Format(MemoryBudgetBytes)} between them, {ChildTtlSeconds} s each"
        + (ChildCanSpawn ? "; children may spawn (halved limits)" : "");
}
