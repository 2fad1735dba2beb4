using SandboxMcp.Runtimes;

namespace SandboxMcp.State;

/// <summary>The contents of state.json: every sandbox this state directory owns.</summary>
public sealed class StateDocument
{
    /// <summary>Version of this shape; a server refuses to write a newer one.</summary>
    /// <remarks>3: child sandboxes (expiry, spawn counts); 2 was never released.</remarks>
    public const int CurrentSchemaVersion = 3;

    /// <summary>The schema version the file was written with.</summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>Sandboxes by name.</summary>
    public Dictionary<string, SandboxRecord> Sandboxes { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One sandbox as persisted: enough to reconnect to it and to recreate it.</summary>
public sealed record SandboxRecord
{
    /// <summary>The sandbox name.</summary>
    public required string Name { get; init; }

    /// <summary>How it was created; its Env holds only values that are not derived from configuration.</summary>
    public required SandboxSpec Spec { get; init; }

    /// <summary>The runtime's handle.</summary>
    public required RuntimeHandle Handle { get; init; }

    /// <summary>Variables set with the <c>env</c> tool.</summary>
    public Dictionary<string, string> Env { get; init; } = new(StringComparer.Ordinal);

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When any server last used it; shared so that no server reaps a sandbox another is using.</summary>
    public DateTimeOffset LastUsedAt { get; init; }

    /// <summary>For a child sandbox: when its TTL ends it (whether used or not).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Children this sandbox has spawned over its lifetime (for <c>maxSpawns</c>).</summary>
    public int SpawnCount { get; init; }
}
