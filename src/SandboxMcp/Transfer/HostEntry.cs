namespace SandboxMcp.Transfer;

/// <summary>One file, directory or symbolic link of a host tree, relative to the tree's root.</summary>
/// <param name="Relative">Path below the root, with <c>/</c>.</param>
/// <param name="FullPath">Absolute host path.</param>
/// <param name="Kind">What it is (never followed).</param>
/// <param name="Length">Bytes, for files.</param>
public sealed record HostEntry(string Relative, string FullPath, HostFileKind Kind, long Length);
