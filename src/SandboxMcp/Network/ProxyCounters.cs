namespace SandboxMcp.Network;

/// <summary>What one sandbox's proxy has done: connections allowed, denied and failed, bytes each way, hosts recently denied.</summary>
public sealed class ProxyCounters
{
    private const int RecentLimit = 5;
    private readonly Lock _gate = new();
    private readonly LinkedList<string> _recentDenied = new();
    private long _allowed;
    private long _denied;
    private long _failed;

    /// <summary>Bytes sent from the sandbox to servers.</summary>
    public Ports.ByteCounter BytesOut { get; } = new();

    /// <summary>Bytes servers sent back into the sandbox.</summary>
    public Ports.ByteCounter BytesIn { get; } = new();

    /// <summary>Connections made to an allowed host.</summary>
    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Requests refused because the host is not allowed.</summary>
    public long Denied => Interlocked.Read(ref _denied);

    /// <summary>Requests that were malformed, or whose host could not be resolved or reached.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The last few distinct hosts denied, newest first.</summary>
    public IReadOnlyList<string> RecentDenied
    {
        get
        {
            lock (_gate)
            {
                return [.. _recentDenied];
            }
        }
    }

    /// <summary>Counts a connection to an allowed host.</summary>
    public void CountAllowed() => Interlocked.Increment(ref _allowed);

    /// <summary>Counts a failed request.</summary>
    public void CountFailed() => Interlocked.Increment(ref _failed);

    /// <summary>Counts a refused host and remembers it.</summary>
    public void CountDenied(string host)
    {
        Interlocked.Increment(ref _denied);
        lock (_gate)
        {
            _recentDenied.Remove(host);
            _recentDenied.AddFirst(host);
            if (_recentDenied.Count > RecentLimit)
            {
                _recentDenied.RemoveLast();
            }
        }
    }

    /// <summary>One line for <c>status</c>.</summary>
    public string Summary() =>
        $"connections: {Allowed} allowed, {Denied} denied" + (Failed > 0 ? $", {Failed} failed" : "")
        + $"; {BytesOut.Value} bytes out, {BytesIn.Value} bytes in"
        + (RecentDenied is { Count: > 0 } recent ? $"; recently denied: {string.Join(", ", recent)}" : "");
}
