namespace SandboxMcp.Runtimes;

/// <summary>Whether a runtime can be used here, with its version or the reason and fix.</summary>
/// <param name="IsAvailable">True when sandboxes can be created.</param>
/// <param name="Detail">Version when available; otherwise what is missing and how to get it.</param>
public sealed record RuntimeAvailability(bool IsAvailable, string Detail)
{
    /// <summary>An available runtime.</summary>
    public static RuntimeAvailability Available(string detail) => new(true, detail);

    /// <summary>A runtime that cannot be used, with the fix.</summary>
    public static RuntimeAvailability Unavailable(string reason) => new(false, reason);
}
