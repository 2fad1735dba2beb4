namespace SandboxMcp.Runtimes;

/// <summary>A saved sandbox.</summary>
/// <param name="Name">Snapshot name, as given to <c>snapshot</c>.</param>
/// <param name="Image">The image it is stored as.</param>
/// <param name="Engine">The engine holding it (snapshots are local to an engine).</param>
/// <param name="CreatedAt">When it was taken, when the engine reports it.</param>
/// <param name="SizeBytes">Image size, when the engine reports it.</param>
public sealed record SnapshotInfo(string Name, string Image, string Engine, DateTimeOffset? CreatedAt, long? SizeBytes);
