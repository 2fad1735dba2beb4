namespace SandboxMcp.Ports;

/// <summary>Where a sandbox sits on the network, seen from inside it.</summary>
/// <param name="Sandbox">The sandbox.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Network"><c>default</c> or <c>none</c>.</param>
/// <param name="Addresses">Its IPv4 addresses other than loopback (on native: the host's).</param>
/// <param name="Subnets">Networks it is directly attached to, e.g. <c>10.88.0.0/16</c>.</param>
/// <param name="Namespace">Its network namespace (<c>net:[4026531840]</c>); sandboxes sharing one reach each other on 127.0.0.1.</param>
/// <param name="Reaches">Other sandboxes it can reach directly: same namespace, or a subnet in common.</param>
/// <param name="Detail">Why the probe failed, when it did.</param>
public sealed record SandboxNetwork(
    string Sandbox,
    string Tier,
    string Network,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Subnets,
    string? Namespace,
    IReadOnlyList<string> Reaches,
    string? Detail);
