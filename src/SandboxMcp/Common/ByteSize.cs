using System.Globalization;

namespace SandboxMcp.Common;

/// <summary>Sizes written like engines take them: <c>512m</c>, <c>2g</c>, <c>1048576</c>.</summary>
public static class ByteSize
{
    /// <summary>Parses a size such as <c>512m</c>; returns false for anything else.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        if (s.EndsWith('b'))
        {
            s = s[..^1];
        }

        long multiplier = 1;
        if (s.Length > 0 && char.IsLetter(s[^1]))
        {
            multiplier = s[^1] switch
            {
                'k' => 1L << 10,
                'm' => 1L << 20,
                'g' => 1L << 30,
                't' => 1L << 40,
                _ => 0,
            };
            s = s[..^1];
        }

        if (multiplier == 0 || !decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0
            || number > long.MaxValue / (decimal)multiplier)
        {
            return false;
        }

        var result = number * multiplier;
        if (result > long.MaxValue || result < 1)
        {
            return false;
        }

        bytes = (long)result;
        return true;
    }

    /// <summary>Parses a size or throws a <see cref="SandboxException"/> naming the parameter.</summary>
    public static long Parse(string text, string parameter)
    {
        if (!TryParse(text, out var bytes))
        {
            throw new SandboxException($"Invalid {parameter} '{InputValidation.Printable(text)}': give a size like 512m or 2g.");
        }

        return bytes;
    }

    /// <summary>Formats bytes the way users write them (<c>512m</c>, <c>2g</c>, <c>1536k</c>).</summary>
    public static string Format(long bytes)
    {
        foreach (var (suffix, unit) in new[] { ("t", 1L << 40), ("g", 1L << 30), ("m", 1L << 20), ("k", 1L << 10) })
        {
            if (bytes >= unit && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes >= 1L << 20
            ? (bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture) + "m"
            : bytes.ToString(CultureInfo.InvariantCulture);
    }
}
