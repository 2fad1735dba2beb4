using System.Diagnostics;

namespace SandboxMcp.Bench;

/// <summary>Runs an operation repeatedly after a warm-up and records each duration.</summary>
public static class Timing
{
    public static async Task<Stats> MeasureAsync(string name, int warmup, int count, Func<Task> operation)
    {
        for (var i = 0; i < warmup; i++)
        {
            await operation();
        }

        return await MeasureWarmAsync(name, count, operation);
    }

    /// <summary>
    /// Measures after calling <paramref name="operation"/> for <paramref name="warmup"/>: long enough for the .NET
    /// runtime on both ends to finish recompiling the hot code (tiered compilation runs in the background for the
    /// first seconds of a busy process, and competes for the cores while it does).
    /// </summary>
    public static async Task<Stats> MeasureAsync(string name, TimeSpan warmup, int count, Func<Task> operation)
    {
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < warmup)
        {
            await operation();
        }

        return await MeasureWarmAsync(name, count, operation);
    }

    private static async Task<Stats> MeasureWarmAsync(string name, int count, Func<Task> operation)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await operation();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return new Stats(name, samples);
    }

    /// <summary>
    /// Like <see cref="MeasureAsync(string, int, int, Func{Task})"/> for operations that leave something behind, each returning its clean-up, which
    /// runs untimed before the next sample (create is measured, destroy is not). Several contenders are measured in
    /// turns (A, B, C, A, B, C …), so that an engine getting slower or faster during the run (storage filling,
    /// caches warming) biases none of them.
    /// </summary>
    public static async Task<Stats[]> MeasureInTurnsWithCleanupAsync(int warmup, int count, params (string Name, Func<Task<Func<Task>>> Operation)[] contenders)
    {
        var samples = contenders.Select(_ => new List<double>(count)).ToArray();
        for (var i = 0; i < warmup + count; i++)
        {
            for (var c = 0; c < contenders.Length; c++)
            {
                var start = Stopwatch.GetTimestamp();
                var cleanup = await contenders[c].Operation();
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                await cleanup();
                if (i >= warmup)
                {
                    samples[c].Add(elapsed);
                }
            }
        }

        return [.. contenders.Select((c, i) => new Stats(c.Name, samples[i]))];
    }
}
