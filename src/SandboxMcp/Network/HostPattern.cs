using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SandboxMcp.Network;

/// <summary>
/// One entry of a network allowlist: an exact host name (<c>github.com</c>), a wildcard for every subdomain of a
/// domain (<c>*.pythonhosted.org</c>: <c>files.pythonhosted.org</c>, not <c>pythonhosted.org</c> itself), or an IP
/// literal (<c>10.0.0.5</c>, <c>::1</c>). Names are compared in lower case, in their ASCII (punycode) form, without a
/// trailing dot.
/// </summary>
/// <param name="Text">The normalized pattern (<c>*.pythonhosted.org</c>, <c>127.0.0.1</c>, <c>::1</c>).</param>
/// <param name="Suffix">For a wildcard, the domain whose subdomains match (<c>pythonhosted.org</c>); null otherwise.</param>
/// <param name="Address">For an IP literal, the address; null otherwise.</param>
public sealed record HostPattern(string Text, string? Suffix, IPAddress? Address)
{
    /// <summary>True for a <c>*.domain</c> pattern.</summary>
    public bool IsWildcard => Suffix is not null;

    /// <summary>Parses one configured pattern; returns null and says why (as a sentence with what to do) when it is unusable.</summary>
    public static HostPattern? TryParse(string? text, out string? error)
    {
        error = null;
        var value = text?.Trim() ?? "";
        if (value.Length == 0)
        {
            error = "empty: give a host name like \"github.com\" or \"*.pythonhosted.org\"";
            return null;
        }

        if (value.Contains("://", StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal) || value.Contains('@', StringComparison.Ordinal))
        {
            error = $"'{value}' is a URL, not a host name: give the host alone (e.g. \"github.com\")";
            return null;
        }

        if (ParseAddress(value) is { } address)
        {
            return new HostPattern(address.ToString(), null, address);
        }

        if (value == "*")
        {
            error = "'*' would allow every host: use network \"default\" for full network access instead";
            return null;
        }

        var wildcard = value.StartsWith("*.", StringComparison.Ordinal);
        var name = Normalize(wildcard ? value[2..] : value);
        if (name is null || name.Contains('*', StringComparison.Ordinal) || !IsHostName(name))
        {
            error = value.Contains(':', StringComparison.Ordinal)
                ? $"'{value}' has a port or is not an IP address: give the host alone (every port of an allowed host is reachable)"
                : $"'{value}' is not a host name (letters, digits, '-' and '.'; a wildcard only as a leading \"*.\", e.g. \"*.example.com\")";
            return null;
        }

        if (wildcard && !name.Contains('.', StringComparison.Ordinal))
        {
            error = $"'{value}' is too broad (a whole top-level domain): name the domain, e.g. \"*.example.{name}\"";
            return null;
        }

        return wildcard ? new HostPattern("*." + name, name, null) : new HostPattern(name, null, null);
    }

    /// <summary>True when <paramref name="host"/> (as normalized by <see cref="NormalizeRequestHost"/>) matches.</summary>
    public bool Matches(string host, IPAddress? hostAddress)
    {
        if (Address is not null)
        {
            return hostAddress is not null && Address.Equals(hostAddress);
        }

        if (hostAddress is not null)
        {
            // Names never match an IP literal: an address must be listed as itself.
            return false;
        }

        return Suffix is null ? host == Text : host.Length > Suffix.Length && host.EndsWith("." + Suffix, StringComparison.Ordinal);
    }

    /// <summary>
    /// A host as a request names it, normalized for matching: lower case, ASCII, no trailing dot, IPv6 brackets
    /// removed; null when it is neither a host name nor an IP literal. <paramref name="address"/> is set for an IP literal.
    /// </summary>
    public static string? NormalizeRequestHost(string host, out IPAddress? address)
    {
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        address = ParseAddress(bare);
        if (address is not null)
        {
            return address.ToString();
        }

        return Normalize(bare) is { } name && IsHostName(name) ? name : null;
    }

    /// <summary>An IP literal in its strict forms only: dotted-quad IPv4 and IPv6; "1.2" or "0x7f.1" are not addresses here.</summary>
    private static IPAddress? ParseAddress(string text)
    {
        var bare = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        if (!IPAddress.TryParse(bare, out var address))
        {
            return null;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var parts = bare.Split('.');
            return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)) ? address : null;
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && bare.Contains(':', StringComparison.Ordinal) && !bare.Contains('%', StringComparison.Ordinal) ? address : null;
    }

    private static string? Normalize(string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        try
        {
            return new IdnMapping().GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Labels of letters, digits, '-' and '_' (not at either end of a label), at most 253 characters, last label not numeric.</summary>
    private static bool IsHostName(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        var labels = name.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        // "1.2.3" or "2130706433" would be read as an address by a resolver: only strict IP literals name addresses.
        return !labels[^1].All(char.IsAsciiDigit);
    }
}
