using System.Globalization;

namespace SandboxMcp.Background;

/// <summary>How a background process is checked from inside its sandbox.</summary>
public enum HealthCheckType
{
    /// <summary>An HTTP GET must answer 2xx/3xx.</summary>
    Http,

    /// <summary>A TCP connection to 127.0.0.1:port must open.</summary>
    Tcp,

    /// <summary>A shell command must exit 0.</summary>
    Command,
}

/// <summary>A health check: what to probe, how often, and how many consecutive failures make it unhealthy.</summary>
/// <param name="Type">What kind of probe.</param>
/// <param name="Target">The URL, port or command.</param>
/// <param name="Interval">Time between checks.</param>
/// <param name="Timeout">Time one check may take.</param>
/// <param name="Retries">Consecutive failures that make it unhealthy.</param>
/// <param name="StartPeriod">Failures in this time after a start do not count.</param>
public sealed record HealthCheck(HealthCheckType Type, string Target, TimeSpan Interval, TimeSpan Timeout, int Retries, TimeSpan StartPeriod)
{
    /// <summary>What is probed, for status and logs: "http http://127.0.0.1:8000/".</summary>
    public string Describe() => $"{Type.ToString().ToLowerInvariant()} {Target}";

    /// <summary>Timeout in whole seconds, at least 1, for tools that take only integers.</summary>
    internal string TimeoutSeconds(bool whole) => whole
        ? Math.Max(1, (int)Math.Ceiling(Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
        : Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
