namespace SandboxMcp.Runtimes;

/// <summary>
/// Remembers a runtime's probe: an available runtime for good, an unavailable one for ten seconds (an engine
/// being installed or started is seen soon). Concurrent callers share one probe.
/// </summary>
internal sealed class ProbeCache(TimeProvider time) : IDisposable
{
    private static readonly TimeSpan UnavailableTtl = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (RuntimeAvailability Result, DateTimeOffset At)? _last;

    /// <summary>The last result, if any.</summary>
    public RuntimeAvailability? Last => _last?.Result;

    /// <summary>The cached result, or a fresh one from <paramref name="probe"/>.</summary>
    public async ValueTask<RuntimeAvailability> GetAsync(Func<CancellationToken, Task<RuntimeAvailability>> probe, CancellationToken cancellationToken)
    {
        if (_last is { } cached && (cached.Result.IsAvailable || time.GetUtcNow() - cached.At < UnavailableTtl))
        {
            return cached.Result;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            var result = await probe(cancellationToken);
            _last = (result, time.GetUtcNow());
            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();
}
