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

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await operation();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return new Stats(name, samples);
    }
}
