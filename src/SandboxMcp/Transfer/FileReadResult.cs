namespace SandboxMcp.Transfer;

/// <summary>A slice of a text file read from a sandbox.</summary>
/// <param name="Content">The lines, exactly as stored (invalid UTF-8 replaced).</param>
/// <param name="StartLine">1-based number of the first line returned.</param>
/// <param name="LineCount">Lines returned (a final line without newline counts).</param>
/// <param name="Truncated">True when the file goes on past what was returned.</param>
/// <param name="NextOffset">The <c>offset</c> that continues where this read stopped, when truncated.</param>
/// <param name="TotalLines">Lines in the whole file, when it was read to the end.</param>
public sealed record FileReadResult(string Content, long StartLine, long LineCount, bool Truncated, long? NextOffset, long? TotalLines);
