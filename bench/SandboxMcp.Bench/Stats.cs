using System.Globalization;

namespace SandboxMcp.Bench;

/// <summary>Latency samples in milliseconds and their percentiles.</summary>
public sealed class Stats(string name, IReadOnlyList<double> samples)
{
    private readonly double[] _sorted = [.. samples.Order()];

    public string Name => name;

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Mean => _sorted.Average();

    public double Percentile(double p) => _sorted[Math.Clamp((int)Math.Ceiling(p * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{name,-44} n={_sorted.Length,5}  p50={P50,8:0.000} ms  p99={P99,8:0.000} ms  mean={Mean,8:0.000} ms");
}
