namespace SandboxMcp.Background;

/// <summary>What <c>logs</c> returns.</summary>
/// <param name="Id">The process.</param>
/// <param name="State">Its state now.</param>
/// <param name="Pid">Its pid inside the sandbox.</param>
/// <param name="Restarts">How often it was restarted.</param>
/// <param name="Stream">"stdout", "stderr" or "both".</param>
/// <param name="Output">The recent output, oldest first.</param>
/// <param name="Lines">Lines in <paramref name="Output"/>.</param>
/// <param name="OmittedLines">Older buffered lines left out (tail, or the size limit of one result).</param>
/// <param name="DroppedStdoutBytes">Stdout bytes that no longer fit in the ring buffer.</param>
/// <param name="DroppedStderrBytes">Stderr bytes that no longer fit in the ring buffer.</param>
public sealed record LogsResult(
    string Id,
    string State,
    int Pid,
    int Restarts,
    string Stream,
    string Output,
    int Lines,
    int OmittedLines,
    long DroppedStdoutBytes,
    long DroppedStderrBytes);
