using System.Globalization;
using System.Text.Json;

namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// Reads Apple <c>container</c> JSON across its shapes: 1.x (<c>{id, configuration, status:{state,…}}</c>, ISO-8601
/// dates), 0.8–0.12 (<c>status</c> a string, top-level <c>networks</c>, dates as seconds since 2001-01-01) and
/// 0.1–0.7 (<c>networks[].address</c>).
/// </summary>
public static class AppleJson
{
    /// <summary>Apple's reference date: 0.x encodes dates as seconds since then.</summary>
    public static readonly DateTimeOffset ReferenceDate = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A date written either as ISO-8601 text (1.x) or as seconds since 2001 (0.x).</summary>
    public static DateTimeOffset? Date(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String when DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) => date,
        JsonValueKind.Number => ReferenceDate.AddSeconds(element.GetDouble()),
        _ => null,
    };

    /// <summary>One container of a list or inspect array, in any known shape.</summary>
    public static ContainerInfo Container(JsonElement element)
    {
        var configuration = element.GetProperty("configuration");
        var id = element.TryGetProperty("id", out var topId) ? topId.GetString()! : configuration.GetProperty("id").GetString()!;
        var status = element.GetProperty("status");
        var state = status.ValueKind == JsonValueKind.String ? status.GetString()! : status.GetProperty("state").GetString()!;
        var networks = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("networks", out var n1) ? n1
            : element.TryGetProperty("networks", out var n0) ? n0 : default;
        var started = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("startedDate", out var s1) ? Date(s1)
            : element.TryGetProperty("startedDate", out var s0) ? Date(s0) : null;
        var labels = configuration.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object
            ? l.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var image = configuration.TryGetProperty("image", out var i) && i.TryGetProperty("reference", out var r) ? r.GetString() : null;
        return new ContainerInfo(id, state.ToLowerInvariant(), labels, image, FirstAddress(networks), started);
    }

    private static string? FirstAddress(JsonElement networks)
    {
        if (networks.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var network in networks.EnumerateArray())
        {
            var address = network.TryGetProperty("ipv4Address", out var a1) ? a1.GetString()
                : network.TryGetProperty("address", out var a0) ? a0.GetString() : null;
            if (!string.IsNullOrEmpty(address))
            {
                var slash = address.IndexOf('/', StringComparison.Ordinal);
                return slash < 0 ? address : address[..slash];
            }
        }

        return null;
    }
}
