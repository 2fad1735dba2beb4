using SandboxMcp.Common;

namespace SandboxMcp.Background;

/// <summary>The signals <c>kill</c> accepts, by name.</summary>
public static class StopSignals
{
    /// <summary>Accepted names (also with a SIG prefix, any case).</summary>
    public static readonly IReadOnlyList<string> Names = ["TERM", "INT", "HUP", "QUIT", "KILL", "USR1", "USR2"];

    /// <summary>The canonical name of <paramref name="signal"/>; null or empty means TERM.</summary>
    public static string Parse(string? signal)
    {
        if (string.IsNullOrWhiteSpace(signal))
        {
            return "TERM";
        }

        var name = signal.Trim().ToUpperInvariant();
        name = name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : name;
        return Names.Contains(name, StringComparer.Ordinal)
            ? name
            : throw new SandboxException($"Invalid signal '{InputValidation.Printable(signal)}': use one of {string.Join(", ", Names)} (default TERM; whatever is left after the grace period gets KILL).");
    }
}
