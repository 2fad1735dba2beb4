namespace SandboxMcp.Transfer.Git;

/// <summary>A finished clone.</summary>
/// <param name="Url">The repository URL, any user information in it replaced by <c>***</c>.</param>
/// <param name="Path">The absolute clone directory inside the sandbox.</param>
/// <param name="Branch">The branch checked out, when there is one.</param>
/// <param name="Commit">The commit checked out, when there is one.</param>
/// <param name="DurationMs">Wall time.</param>
public sealed record GitCloneResult(string Url, string Path, string? Branch, string? Commit, long DurationMs);
