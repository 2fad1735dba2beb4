using System.Text.RegularExpressions;

namespace SandboxMcp.Common;

/// <summary>Checks for the names and keys that reach engines, file systems and shells.</summary>
public static partial class InputValidation
{
    /// <summary>Throws unless <paramref name="name"/> is a valid sandbox name.</summary>
    public static string SandboxName(string? name, string parameter = "sandbox")
    {
        if (string.IsNullOrEmpty(name) || !SandboxNameRegex().IsMatch(name))
        {
            throw new SandboxException(
                $"Invalid {parameter} name '{Printable(name)}': use 1-63 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit (e.g. \"default\", \"web-1\").");
        }

        return name;
    }

    /// <summary>Throws unless <paramref name="key"/> is a valid environment variable name.</summary>
    public static string EnvKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || !EnvKeyRegex().IsMatch(key))
        {
            throw new SandboxException(
                $"Invalid environment variable name '{Printable(key)}': use letters, digits and '_', not starting with a digit (e.g. \"API_URL\").");
        }

        return key;
    }

    /// <summary>True when <paramref name="key"/> is a valid environment variable name.</summary>
    public static bool IsEnvKey(string key) => EnvKeyRegex().IsMatch(key);

    /// <summary>Throws unless <paramref name="path"/> is a usable path inside a sandbox.</summary>
    public static string SandboxPath(string? path, string parameter = "path")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new SandboxException($"'{parameter}' is empty: give a path inside the sandbox, absolute or relative to its working directory (e.g. \"src/main.py\").");
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new SandboxException($"'{parameter}' contains a NUL character, which no file name can hold.");
        }

        return path;
    }

    /// <summary>Throws unless <paramref name="text"/> is non-empty text a shell can hold (no NUL).</summary>
    public static string ShellText(string? text, string parameter)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new SandboxException($"'{parameter}' is empty: give the text to run (e.g. \"ls -la\").");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new SandboxException($"'{parameter}' contains a NUL character, which a shell cannot pass on: remove it, or write binary data with write_file and encoding \"base64\".");
        }

        return text;
    }

    /// <summary>Validates a timeout in seconds and returns it as a <see cref="TimeSpan"/>.</summary>
    public static TimeSpan Timeout(double? seconds, int defaultSeconds, int maxSeconds)
    {
        var value = seconds ?? defaultSeconds;
        if (double.IsNaN(value) || value <= 0 || value > maxSeconds)
        {
            throw new SandboxException(
                $"Invalid timeout {seconds}: give seconds between 1 and {maxSeconds} (default {defaultSeconds}). For longer work start it with the 'bg' tool.");
        }

        return TimeSpan.FromSeconds(value);
    }

    /// <summary>Shortens and escapes a user value so it can be quoted in an error message.</summary>
    public static string Printable(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var shortened = value.Length > 80 ? value[..80] + "…" : value;
        return shortened.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,62}$")]
    private static partial Regex SandboxNameRegex();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvKeyRegex();
}
