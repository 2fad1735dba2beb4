using System.Globalization;
using System.Net;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>
/// Reads a sandbox's network from inside it (the same on every tier, no engine inspect): its namespace, its
/// addresses from <c>/proc/net/fib_trie</c> and its directly attached subnets from <c>/proc/net/route</c>.
/// </summary>
public static class NetworkProbe
{
    private const string Script = """
        echo "ns $(readlink /proc/self/ns/net 2>/dev/null)"
        echo "@route"; cat /proc/net/route 2>/dev/null
        echo "@fib"; cat /proc/net/fib_trie 2>/dev/null
        """;

    /// <summary>What the probe found.</summary>
    /// <param name="Namespace">The network namespace, or null.</param>
    /// <param name="Addresses">IPv4 addresses other than loopback.</param>
    /// <param name="Subnets">Directly attached subnets (no gateway), other than loopback.</param>
    public sealed record Reading(string? Namespace, IReadOnlyList<string> Addresses, IReadOnlyList<string> Subnets);

    /// <summary>Probes one sandbox.</summary>
    public static async Task<Reading> ReadAsync(IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        var output = await launcher.RunAsync(new ProcessSpec(["sh", "-c", Script]), ReadOnlyMemory<byte>.Empty, 256 * 1024, cancellationToken);
        return output.ExitCode == 0
            ? Parse(output.Stdout.Decode())
            : throw new Common.SandboxException($"Could not read the network of the sandbox (exit {output.ExitCode}): {output.ErrorText}");
    }

    /// <summary>Parses the probe's output.</summary>
    internal static Reading Parse(string output)
    {
        string? ns = null;
        var addresses = new SortedSet<string>(StringComparer.Ordinal);
        var subnets = new SortedSet<string>(StringComparer.Ordinal);
        var section = "";
        string? lastLeaf = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("ns ", StringComparison.Ordinal))
            {
                ns = line[3..].Trim() is { Length: > 0 } value ? value : null;
            }
            else if (line.StartsWith('@'))
            {
                section = line;
            }
            else if (section == "@route" && Route(line) is { } subnet)
            {
                subnets.Add(subnet);
            }
            else if (section == "@fib")
            {
                var trimmed = line.Trim();
                if (trimmed.StartsWith("|-- ", StringComparison.Ordinal))
                {
                    lastLeaf = trimmed[4..];
                }
                else if (trimmed.Contains("host LOCAL", StringComparison.Ordinal) && lastLeaf is not null && !lastLeaf.StartsWith("127.", StringComparison.Ordinal))
                {
                    addresses.Add(lastLeaf);
                }
            }
        }

        return new Reading(ns, [.. addresses], [.. subnets]);
    }

    /// <summary>A directly attached route of <c>/proc/net/route</c> as <c>a.b.c.d/len</c>; null for anything else.</summary>
    private static string? Route(string line)
    {
        var f = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 8 || f[0] == "lo" || f[2] != "00000000" || f[1] == "00000000"
            || !uint.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
            || !uint.TryParse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
        {
            return null;
        }

        // The kernel prints the addresses in host byte order of a little-endian word: the bytes are already in network order.
        var address = new IPAddress(BitConverter.GetBytes(destination));
        return string.Create(CultureInfo.InvariantCulture, $"{address}/{uint.PopCount(mask)}");
    }

    /// <summary>
    /// Fills in who reaches whom: sandboxes sharing a network namespace (native ones share the host's), or attached
    /// to a common subnet (containers on one engine network) while neither has network <c>none</c>.
    /// </summary>
    public static IReadOnlyList<SandboxNetwork> Connect(IReadOnlyList<SandboxNetwork> sandboxes) =>
    [
        .. sandboxes.Select(a => a with
        {
            Reaches =
            [
                .. sandboxes.Where(b => b.Sandbox != a.Sandbox && a.Detail is null && b.Detail is null
                    && ((a.Namespace is not null && a.Namespace == b.Namespace)
                        || (a.Network != "none" && b.Network != "none" && a.Subnets.Intersect(b.Subnets, StringComparer.Ordinal).Any())))
                    .Select(b => b.Sandbox),
            ],
        }),
    ];
}
