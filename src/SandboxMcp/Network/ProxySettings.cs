using Microsoft.Extensions.Logging;

namespace SandboxMcp.Network;

/// <summary>What every connection of one sandbox's proxy shares.</summary>
/// <param name="Sandbox">The sandbox's name, for refusals and logs.</param>
/// <param name="Allowlist">Its allowed hosts.</param>
/// <param name="Counters">Its counters.</param>
/// <param name="Logger">Where decisions are logged (host and port only).</param>
internal sealed record ProxySettings(string Sandbox, HostAllowlist Allowlist, ProxyCounters Counters, ILogger Logger)
{
    /// <summary>How long a client may take to send its request head.</summary>
    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long resolving and connecting to a server may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
