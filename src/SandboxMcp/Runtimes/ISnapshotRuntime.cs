namespace SandboxMcp.Runtimes;

/// <summary>A runtime's saved copy of a sandbox: an image, or an archive.</summary>
/// <param name="Runtime">The runtime that made it; only it can restore it.</param>
/// <param name="Reference">Image reference or archive path.</param>
public sealed record SnapshotArtifact(string Runtime, string Reference);

/// <summary>Runtimes that can save a sandbox's files and make new sandboxes from the copy (snapshot, restore, clone).</summary>
public interface ISnapshotRuntime
{
    /// <summary>True when a sandbox made from an artifact keeps needing it (a container runs on its image).</summary>
    bool ArtifactBacksSandbox { get; }

    /// <summary>Saves the sandbox's file system, its work directory included, under <paramref name="snapshot"/>.</summary>
    Task<SnapshotArtifact> SnapshotAsync(RuntimeHandle handle, SandboxSpec spec, string snapshot, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>Creates a sandbox as <paramref name="spec"/> says, with the files of <paramref name="snapshot"/>.</summary>
    Task<RuntimeHandle> CreateFromSnapshotAsync(SnapshotArtifact snapshot, SandboxSpec spec, CancellationToken cancellationToken);

    /// <summary>Deletes a snapshot's image or archive; a missing one is not an error.</summary>
    Task DeleteSnapshotAsync(SnapshotArtifact snapshot, CancellationToken cancellationToken);
}
