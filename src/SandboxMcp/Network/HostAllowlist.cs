using System.Net;

namespace SandboxMcp.Network;

/// <summary>The hosts a sandbox may reach through its proxy (the profile key <c>allowedHosts</c>).</summary>
public sealed class HostAllowlist
{
    /// <summary>The profile key users change to allow another host; named in every refusal.</summary>
    public const string ProfileKey = "allowedHosts";

    private HostAllowlist(IReadOnlyList<HostPattern> patterns) => Patterns = patterns;

    /// <summary>The patterns, normalized, in configured order without duplicates.</summary>
    public IReadOnlyList<HostPattern> Patterns { get; }

    /// <summary>Builds an allowlist; throws <see cref="FormatException"/> naming the first unusable pattern.</summary>
    public static HostAllowlist Parse(IEnumerable<string> patterns)
    {
        var parsed = new List<HostPattern>();
        foreach (var text in patterns)
        {
            var pattern = HostPattern.TryParse(text, out var error) ?? throw new FormatException($"{ProfileKey}: {error}");
            if (!parsed.Any(p => p.Text == pattern.Text))
            {
                parsed.Add(pattern);
            }
        }

        return new HostAllowlist(parsed);
    }

    /// <summary>The pattern that allows <paramref name="host"/> (a host as a request names it), or null when none does.</summary>
    public HostPattern? Match(string host)
    {
        if (HostPattern.NormalizeRequestHost(host, out var address) is not { } normalized)
        {
            return null;
        }

        // An exact entry wins over a wildcard that also matches: only exact entries may reach local addresses.
        var matching = Patterns.Where(p => p.Matches(normalized, address)).ToList();
        return matching.FirstOrDefault(p => !p.IsWildcard) ?? matching.FirstOrDefault();
    }

    /// <summary>
    /// True when a connection to <paramref name="address"/> is acceptable for a host allowed by <paramref name="pattern"/>:
    /// loopback, link-local (cloud metadata at 169.254.169.254), unspecified and multicast addresses are reachable only
    /// through an entry that names that host exactly, so a wildcard whose DNS points at 127.0.0.1 reaches nothing of the host.
    /// </summary>
    public static bool MayConnect(HostPattern pattern, IPAddress address)
    {
        if (!pattern.IsWildcard)
        {
            return true;
        }

        var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (IPAddress.IsLoopback(target) || target.Equals(IPAddress.Any) || target.Equals(IPAddress.IPv6Any) || target.IsIPv6LinkLocal || target.IsIPv6Multicast)
        {
            return false;
        }

        var bytes = target.GetAddressBytes();
        return !(bytes.Length == 4 && ((bytes[0] == 169 && bytes[1] == 254) || bytes[0] >= 224 || bytes[0] == 0));
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Patterns.Select(p => p.Text));
}
