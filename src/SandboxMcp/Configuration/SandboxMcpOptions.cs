namespace SandboxMcp.Configuration;

/// <summary>
/// The server's configuration: defaults &lt; <c>~/.config/sandbox-mcp/config.json</c> &lt; <c>SANDBOXMCP_</c>
/// environment variables &lt; command line. Keys are camelCase in the file; unknown keys are start-up errors.
/// </summary>
public sealed class SandboxMcpOptions
{
    /// <summary>Tier for sandboxes without a profile: <c>auto</c> (strongest available), <c>vm</c>, <c>seatbelt</c> or <c>native</c>.</summary>
    /// <value>Default <c>auto</c>.</value>
    public string DefaultTier { get; set; } = "auto";

    /// <summary>Container engine for the vm tier: <c>auto</c>, <c>apple</c>, <c>podman</c> or <c>docker</c>.</summary>
    /// <value>Default <c>auto</c>.</value>
    public string Engine { get; set; } = "auto";

    /// <summary>Image for vm sandboxes without a profile image.</summary>
    /// <value>Default <c>localhost/sandbox-mcp-base:bookworm</c>, built by <c>images/build-base.sh</c>.</value>
    public string DefaultImage { get; set; } = "localhost/sandbox-mcp-base:bookworm";

    /// <summary>Seconds a sandbox may sit unused before it is destroyed; 0 keeps sandboxes forever.</summary>
    /// <value>Default 1800.</value>
    public int IdleTtlSeconds { get; set; } = 1800;

    /// <summary>Timeout of <c>exec</c> and <c>python</c> when the call gives none.</summary>
    /// <value>Default 30.</value>
    public int DefaultTimeoutSeconds { get; set; } = 30;

    /// <summary>Largest timeout a call may ask for.</summary>
    /// <value>Default 3600.</value>
    public int MaxTimeoutSeconds { get; set; } = 3600;

    /// <summary>Bytes of stdout and of stderr kept per command; the rest is drained and counted.</summary>
    /// <value>Default 50000.</value>
    public int MaxOutputBytes { get; set; } = 50_000;

    /// <summary>Audit entries kept per sandbox for <c>history</c>.</summary>
    /// <value>Default 100.</value>
    public int HistoryLimit { get; set; } = 100;

    /// <summary>Host directories that upload, download and sync may touch; <c>~</c> is expanded.</summary>
    /// <value>Default: the server's working directory.</value>
    public List<string> HostRoots { get; set; } = [];

    /// <summary>Minimum log level for stderr and the log file: Trace, Debug, Information, Warning, Error.</summary>
    /// <value>Default <c>Information</c>.</value>
    public string LogLevel { get; set; } = "Information";

    /// <summary>Settings every sandbox starts from; a profile overrides them per sandbox name.</summary>
    public ProfileOptions SandboxDefaults { get; set; } = new();

    /// <summary>Per sandbox name: tier, image, cpus, memory, network and more.</summary>
    public Dictionary<string, ProfileOptions> Profiles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per parent sandbox name: what it may spawn through <c>sandbox-ctl</c> and the spawn tools.</summary>
    public Dictionary<string, SpawnPolicyOptions> SpawnPolicies { get; set; } = new(StringComparer.Ordinal);
}
