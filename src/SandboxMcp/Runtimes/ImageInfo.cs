namespace SandboxMcp.Runtimes;

/// <summary>A local image.</summary>
/// <param name="Name">Reference (<c>repository:tag</c>), or the id when untagged.</param>
/// <param name="Id">Image id (short).</param>
/// <param name="SizeBytes">Size, when reported.</param>
/// <param name="CreatedAt">Creation time, when reported.</param>
public sealed record ImageInfo(string Name, string Id, long? SizeBytes, DateTimeOffset? CreatedAt);
