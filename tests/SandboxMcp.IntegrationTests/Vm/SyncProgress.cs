using System.Collections.Concurrent;
using ModelContextProtocol;

namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>Collects progress notifications as they arrive (System.Progress would post them to the thread pool, out of order).</summary>
public sealed class SyncProgress(ConcurrentQueue<ProgressNotificationValue> received) : IProgress<ProgressNotificationValue>
{
    public void Report(ProgressNotificationValue value) => received.Enqueue(value);
}
