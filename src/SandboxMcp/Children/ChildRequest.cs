namespace SandboxMcp.Children;

/// <summary>What a parent asks for when it spawns a child; unset values come from the policy and the parent.</summary>
/// <param name="Name">Short name, unique among the parent's children; generated when null.</param>
/// <param name="Image">Image (vm tier); the parent's when null.</param>
/// <param name="Cpus">CPUs; a share of the remaining budget when null.</param>
/// <param name="Memory">Memory like <c>256m</c>; a share of the remaining budget when null.</param>
public sealed record ChildRequest(string? Name = null, string? Image = null, double? Cpus = null, string? Memory = null);

/// <summary>A child sandbox as its parent sees it.</summary>
/// <param name="Name">Short name, as the parent refers to it.</param>
/// <param name="Sandbox">Full sandbox name (<c>parent.child</c>), as list_all shows it.</param>
/// <param name="Image">Image.</param>
/// <param name="Cpus">CPUs.</param>
/// <param name="Memory">Memory limit.</param>
/// <param name="ExpiresAt">When its TTL ends it.</param>
public sealed record ChildInfo(string Name, string Sandbox, string? Image, double Cpus, string Memory, DateTimeOffset? ExpiresAt);
