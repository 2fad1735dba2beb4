namespace SandboxMcp.Runtimes;

/// <summary>
/// An optional runtime capability: saving sandboxes as images (snapshots, clones), building images and listing
/// them. The vm tier has it; a tool asked for it on another tier says which tier supports it.
/// </summary>
public interface IImageRuntime
{
    /// <summary>
    /// Saves the sandbox's whole file system, workspace included, as snapshot <paramref name="name"/> (replacing a
    /// snapshot of that name). A sandbox created with <see cref="SnapshotInfo.Image"/> as its image starts as the
    /// sandbox was.
    /// </summary>
    Task<SnapshotInfo> SnapshotAsync(RuntimeHandle handle, SandboxSpec spec, string name, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>Saves the sandbox like a snapshot, as the image a clone named <paramref name="target"/> starts from; destroying the clone removes it.</summary>
    Task<string> CaptureForCloneAsync(RuntimeHandle handle, SandboxSpec spec, string target, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>The snapshot of that name, or null.</summary>
    Task<SnapshotInfo?> FindSnapshotAsync(string name, CancellationToken cancellationToken);

    /// <summary>Snapshots of this state directory, oldest first.</summary>
    Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a snapshot; throws when it does not exist or a sandbox still uses it.</summary>
    Task DeleteSnapshotAsync(string name, CancellationToken cancellationToken);

    /// <summary>Builds <paramref name="tag"/> from Containerfile text, with <paramref name="contextDirectory"/> (a host directory) as build context.</summary>
    Task<ImageBuildResult> BuildImageAsync(string containerfile, string tag, string? contextDirectory, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>Images available to the engine.</summary>
    Task<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken);
}
