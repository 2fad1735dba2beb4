namespace SandboxMcp.Background;

/// <summary>What <see cref="LogRing.Read"/> returns: the text and what it is missing.</summary>
/// <param name="Text">Output in arrival order, decoded as UTF-8 (invalid bytes replaced).</param>
/// <param name="Lines">Lines in <paramref name="Text"/>.</param>
/// <param name="OmittedLines">Older lines still buffered but left out by the tail or size limit.</param>
/// <param name="DroppedStdoutBytes">Stdout bytes that fell out of the ring buffer since the start.</param>
/// <param name="DroppedStderrBytes">Stderr bytes that fell out of the ring buffer since the start.</param>
public sealed record LogView(string Text, int Lines, int OmittedLines, long DroppedStdoutBytes, long DroppedStderrBytes);
