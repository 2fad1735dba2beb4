using SandboxMcp.Runtimes;

namespace SandboxMcp.Manager;

/// <summary>What the <c>create</c> tool asked for; null fields come from the profile.</summary>
/// <param name="Tier">Tier name, or null/auto for the strongest available.</param>
/// <param name="Image">Container image.</param>
/// <param name="Cpus">CPUs.</param>
/// <param name="Memory">Memory like <c>512m</c>.</param>
/// <param name="Network"><c>default</c> or <c>none</c>.</param>
public sealed record SandboxRequest(string? Tier = null, string? Image = null, double? Cpus = null, string? Memory = null, string? Network = null)
{
    /// <summary>No overrides: everything from the profile.</summary>
    public static SandboxRequest FromProfile { get; } = new();

    /// <summary>True when the call set nothing.</summary>
    public bool IsEmpty => this == FromProfile;
}

/// <summary>A spec whose tier may still be "the strongest available".</summary>
/// <param name="RequestedTier">The tier asked for; null means pick the strongest available.</param>
/// <param name="Spec">Everything else; its Tier is replaced once a runtime is chosen.</param>
public sealed record ResolvedRequest(SandboxTier? RequestedTier, SandboxSpec Spec);
