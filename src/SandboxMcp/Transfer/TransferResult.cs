namespace SandboxMcp.Transfer;

/// <summary>The outcome of an upload or a download.</summary>
/// <param name="HostPath">The host path, resolved to its real path.</param>
/// <param name="Path">The absolute path inside the sandbox.</param>
/// <param name="Kind"><c>file</c> or <c>directory</c>.</param>
/// <param name="Files">Regular files moved.</param>
/// <param name="Directories">Directories moved (the target itself not counted).</param>
/// <param name="Links">Symbolic links moved, as links.</param>
/// <param name="Bytes">File content bytes.</param>
/// <param name="DurationMs">Wall time.</param>
/// <param name="Note">Anything to know: special files skipped, warnings of tar.</param>
public sealed record TransferResult(
    string HostPath,
    string Path,
    string Kind,
    int Files,
    int Directories,
    int Links,
    long Bytes,
    long DurationMs,
    string? Note = null);
