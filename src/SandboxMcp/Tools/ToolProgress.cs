using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace SandboxMcp.Tools;

/// <summary>
/// Forwards progress lines of a long operation as MCP progress notifications, numbered in order (the client's
/// progress token decides whether they are sent at all).
/// </summary>
internal sealed class ToolProgress(IProgress<ProgressNotificationValue> progress) : IProgress<string>
{
    private int _count;

    /// <summary>A progress reporter for the tool call, or null when the client asked for no progress.</summary>
    public static ToolProgress? From(IProgress<ProgressNotificationValue>? progress) => progress is null ? null : new ToolProgress(progress);

    public void Report(string value) =>
        progress.Report(new ProgressNotificationValue { Progress = Interlocked.Increment(ref _count), Message = value.Length > 500 ? value[..500] + "…" : value });
}
