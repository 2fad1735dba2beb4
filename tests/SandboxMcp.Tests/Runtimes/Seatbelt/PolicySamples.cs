using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Tests.Runtimes.Seatbelt;

/// <summary>Policies the golden tests of both seatbelt-tier runtimes share.</summary>
internal static class PolicySamples
{
    private const string State = "/Users/me/.local/state/sandbox-mcp";

    /// <summary>No extra paths, network off: what a sandbox without a profile gets.</summary>
    public static SandboxPolicy Minimal { get; } = new()
    {
        SandboxDirectory = State + "/seatbelt/default",
        TempDirectory = State + "/seatbelt/default/.tmp",
        StateDirectory = State,
        SystemPaths = ["/usr", "/bin", "/sbin", "/System", "/Library", "/private/etc"],
        DeniedPaths = ["/Users/me/.ssh", "/Users/me/.aws", "/Users/me/.docker/config.json"],
    };

    /// <summary>
    /// Extra paths with spaces, quotes and non-ASCII characters, a denied path inside a writable root, full
    /// network, a sandbox-ctl socket.
    /// </summary>
    public static SandboxPolicy Extras { get; } = Minimal with
    {
        SandboxDirectory = State + "/seatbelt/ml",
        TempDirectory = State + "/seatbelt/ml/.tmp",
        SystemLinks = [new PathLink("/bin", "usr/bin")],
        ReadOnlyPaths = ["/Users/me/My Projects/lib", "/Users/me/it's \"quoted\" (v2)"],
        ReadWritePaths = ["/Users/me/src/naïve-日本"],
        DeniedPaths = ["/Users/me/.ssh", "/Users/me/.aws", "/Users/me/src/naïve-日本/secrets/key.pem"],
        NetworkAllowed = true,
        CtlSocket = State + "/sockets/ml/ctl.sock",
    };

    /// <summary>No network of its own; the hosts of an allowlist through the proxy.</summary>
    public static SandboxPolicy Allowlist { get; } = Minimal with { AllowedHosts = ["pypi.org", "*.pythonhosted.org"] };

    /// <summary>A read-only HOME with credentials denied inside it, and a writable project: denies must win.</summary>
    public static SandboxPolicy HomeReadable { get; } = Minimal with
    {
        ReadOnlyPaths = ["/Users/me"],
        ReadWritePaths = ["/Users/me/project"],
        DeniedPaths = ["/Users/me/.ssh", "/Users/me/.aws", "/Users/me/project/.env"],
    };
}
