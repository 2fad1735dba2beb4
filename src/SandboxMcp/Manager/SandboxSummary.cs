namespace SandboxMcp.Manager;

/// <summary>One line of <c>list_all</c>.</summary>
/// <param name="Name">Sandbox name.</param>
/// <param name="Tier">Tier in force.</param>
/// <param name="Runtime">Runtime (engine) holding it.</param>
/// <param name="Image">Image, for container sandboxes.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="LastUsedAt">Last use by any server.</param>
/// <param name="ExpiresAt">When the idle TTL will reap it unless used; null when TTLs are off.</param>
/// <param name="AttachedHere">True when this server has a shell in it.</param>
/// <param name="Busy">True while a command runs in it from this server.</param>
/// <param name="Cwd">The shell's working directory, when attached here.</param>
/// <param name="Parent">The parent, for child sandboxes.</param>
public sealed record SandboxSummary(
    string Name,
    string Tier,
    string Runtime,
    string? Image,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUsedAt,
    DateTimeOffset? ExpiresAt,
    bool AttachedHere,
    bool Busy,
    string? Cwd,
    string? Parent = null);
