using System.Globalization;
using System.Text.Json;
using SandboxMcp.Common;

namespace SandboxMcp.Background;

/// <summary>
/// Reads the <c>health</c> argument of <c>bg</c>:
/// <c>{type: http|tcp|command, url|port|command, interval_s, timeout_s, retries, start_period_s}</c>, as an object
/// or as a JSON string holding one. Every mistake is an error that says what is allowed.
/// </summary>
public static class HealthCheckParser
{
    private static readonly string[] Keys = ["type", "url", "port", "command", "interval_s", "timeout_s", "retries", "start_period_s"];

    /// <summary>Parses <paramref name="health"/>; null (or JSON null) means no health check.</summary>
    public static HealthCheck? Parse(JsonElement? health)
    {
        if (health is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var document = JsonDocument.Parse(element.GetString()!);
                return Parse(document.RootElement.Clone());
            }
            catch (JsonException ex)
            {
                throw Error($"it is a string that is not JSON ({ex.Message})");
            }
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"it is a {element.ValueKind.ToString().ToLowerInvariant()}");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!Keys.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Error($"unknown key '{InputValidation.Printable(property.Name)}' (keys: {string.Join(", ", Keys)})");
            }
        }

        var type = String(element, "type") switch
        {
            "http" => HealthCheckType.Http,
            "tcp" => HealthCheckType.Tcp,
            "command" => HealthCheckType.Command,
            null => throw Error("'type' is missing: give \"http\" (with url), \"tcp\" (with port) or \"command\" (with command)"),
            var other => throw Error($"type '{InputValidation.Printable(other)}' is not \"http\", \"tcp\" or \"command\""),
        };
        var target = type switch
        {
            HealthCheckType.Http => Url(element),
            HealthCheckType.Tcp => Port(element),
            _ => Command(element),
        };
        var interval = Seconds(element, "interval_s", 10, 0.5, 3600);
        var timeout = Seconds(element, "timeout_s", 5, 0.1, 600);
        var retries = (int)Number(element, "retries", 3, 1, 100, whole: true);
        var startPeriod = Seconds(element, "start_period_s", 0, 0, 3600);
        return new HealthCheck(type, target, interval, timeout, retries, startPeriod);
    }

    private static string Url(JsonElement element)
    {
        var url = String(element, "url") ?? throw Error("type \"http\" needs 'url', e.g. \"http://127.0.0.1:8000/health\"");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Error($"url '{InputValidation.Printable(url)}' is not an absolute http:// or https:// URL (e.g. \"http://127.0.0.1:8000/\")");
        }

        return url;
    }

    private static string Port(JsonElement element)
    {
        if (!element.TryGetProperty("port", out _))
        {
            throw Error("type \"tcp\" needs 'port', e.g. 5432");
        }

        return ((int)Number(element, "port", 0, 1, 65535, whole: true)).ToString(CultureInfo.InvariantCulture);
    }

    private static string Command(JsonElement element)
    {
        var command = String(element, "command");
        if (string.IsNullOrWhiteSpace(command) || command.Contains('\0', StringComparison.Ordinal))
        {
            throw Error("type \"command\" needs 'command', shell text without NUL, e.g. \"pg_isready\"");
        }

        return command;
    }

    private static string? String(JsonElement element, string key)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error($"'{key}' must be a string");
    }

    private static TimeSpan Seconds(JsonElement element, string key, double fallback, double min, double max) =>
        TimeSpan.FromSeconds(Number(element, key, fallback, min, max, whole: false));

    private static double Number(JsonElement element, string key, double fallback, double min, double max, bool whole)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var fromText) => fromText,
            _ => double.NaN,
        };
        if (double.IsNaN(parsed) || parsed < min || parsed > max || (whole && parsed != Math.Floor(parsed)))
        {
            var kind = whole ? "a whole number" : "a number of seconds";
            throw Error($"'{key}' must be {kind} from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (default {fallback.ToString(CultureInfo.InvariantCulture)})");
        }

        return parsed;
    }

    private static SandboxException Error(string what) =>
        new($"Invalid health check: {what}. Shape: {{\"type\": \"http\"|\"tcp\"|\"command\", \"url\"|\"port\"|\"command\": …, \"interval_s\": 10, \"timeout_s\": 5, \"retries\": 3, \"start_period_s\": 0}}.");
}
