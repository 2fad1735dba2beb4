using ModelContextProtocol;

namespace SandboxMcp.Tools;

/// <summary>
/// Turns lines of a long operation's output into MCP progress notifications, at most five a second so a chatty
/// build cannot flood the client.
/// </summary>
public sealed class ToolProgress(IProgress<ProgressNotificationValue> progress, TimeProvider time) : IProgress<string>
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(200);
    private readonly Lock _lock = new();
    private long _lastReport = long.MinValue;
    private int _count;

    /// <inheritdoc />
    public void Report(string value)
    {
        lock (_lock)
        {
            _count++;
            var now = time.GetTimestamp();
            if (_lastReport != long.MinValue && time.GetElapsedTime(_lastReport, now) < MinimumInterval)
            {
                return;
            }

            _lastReport = now;
            progress.Report(new ProgressNotificationValue { Progress = _count, Message = value.Length > 200 ? value[..200] : value });
        }
    }
}
