using System.Globalization;

namespace SandboxMcp.Runtimes.Container;

/// <summary>Sizes as engines print them: <c>3.944MB</c> (podman, decimal), <c>748KiB</c> (docker, binary), <c>176B</c>.</summary>
public static class HumanSize
{
    private static readonly (string Unit, double Factor)[] Units =
    [
        ("KiB", 1024d), ("MiB", 1024d * 1024), ("GiB", 1024d * 1024 * 1024), ("TiB", 1024d * 1024 * 1024 * 1024),
        ("kB", 1e3), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1),
    ];

    /// <summary>Parses one size; false when the text is not a size (e.g. <c>--</c>).</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var s = text?.Trim() ?? "";
        foreach (var (unit, factor) in Units)
        {
            if (s.EndsWith(unit, StringComparison.Ordinal)
                && double.TryParse(s[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                bytes = (long)Math.Round(number * factor);
                return true;
            }
        }

        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out bytes);
    }

    /// <summary>Parses <c>used / limit</c>.</summary>
    public static (long? Used, long? Limit) ParsePair(string? text)
    {
        var parts = (text ?? "").Split('/', 2, StringSplitOptions.TrimEntries);
        long? used = parts.Length > 0 && TryParse(parts[0], out var u) ? u : null;
        long? limit = parts.Length > 1 && TryParse(parts[1], out var l) ? l : null;
        return (used, limit);
    }

    /// <summary>Parses a percentage like <c>46.48%</c>.</summary>
    public static double? ParsePercent(string? text) =>
        double.TryParse(text?.Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
