namespace SandboxMcp.Runtimes;

/// <summary>How strongly a sandbox is separated from the host; higher values are stronger.</summary>
public enum SandboxTier
{
    /// <summary>A host process with a clean environment and resource limits only.</summary>
    Native = 0,

    /// <summary>An OS sandbox around host processes: Seatbelt on macOS, bubblewrap on Linux.</summary>
    Seatbelt = 1,

    /// <summary>A container or micro-VM per sandbox.</summary>
    Vm = 2,
}

/// <summary>Conversions between <see cref="SandboxTier"/> and the names used in configuration and tools.</summary>
public static class SandboxTierNames
{
    /// <summary>The configuration name of a tier (<c>vm</c>, <c>seatbelt</c>, <c>native</c>).</summary>
    public static string ToName(this SandboxTier tier) => tier switch
    {
        SandboxTier.Vm => "vm",
        SandboxTier.Seatbelt => "seatbelt",
        _ => "native",
    };

    /// <summary>Parses a tier name; <c>auto</c> and null give null (pick the strongest available).</summary>
    public static SandboxTier? Parse(string? name) => name switch
    {
        null or "" or "auto" => null,
        "vm" => SandboxTier.Vm,
        "seatbelt" => SandboxTier.Seatbelt,
        "native" => SandboxTier.Native,
        _ => throw new Common.SandboxException($"Unknown tier '{Common.InputValidation.Printable(name)}': use vm, seatbelt, native or auto."),
    };
}
