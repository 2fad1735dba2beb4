namespace SandboxMcp.Configuration;

/// <summary>How a sandbox is made. Unset values fall back to <c>sandboxDefaults</c>, then to built-in defaults.</summary>
public sealed class ProfileOptions
{
    /// <summary><c>auto</c>, <c>vm</c>, <c>seatbelt</c> or <c>native</c>.</summary>
    public string? Tier { get; set; }

    /// <summary>Container image (vm tier).</summary>
    public string? Image { get; set; }

    /// <summary>CPUs (vm tier; advisory elsewhere).</summary>
    /// <value>Default 2.</value>
    public double? Cpus { get; set; }

    /// <summary>Memory limit like <c>512m</c> or <c>2g</c>; the native tier enforces it with an RSS watchdog.</summary>
    /// <value>Default <c>1g</c>.</value>
    public string? Memory { get; set; }

    /// <summary>Most processes at once in the sandbox.</summary>
    /// <value>Default 1024.</value>
    public int? Pids { get; set; }

    /// <summary>Most open files per process.</summary>
    /// <value>Default 4096.</value>
    public int? OpenFiles { get; set; }

    /// <summary>
    /// <c>default</c> (the engine's network, or the host's on native), <c>none</c>, or <c>allowlist</c> (seatbelt
    /// tier, or vm on podman/docker: only <see cref="AllowedHosts"/>, through the server's proxy). Unset, <see cref="AllowedHosts"/> implies
    /// <c>allowlist</c>; otherwise the seatbelt tier has no network (loopback only) and the other tiers their default.
    /// </summary>
    public string? Network { get; set; }

    /// <summary>
    /// Hosts a seatbelt-tier (or podman/docker vm-tier) sandbox may reach through the server's filtering proxy: exact names, <c>*.domain</c> for
    /// its subdomains, or IP literals, e.g. <c>["pypi.org", "*.pythonhosted.org"]</c>. Merged with
    /// <c>sandboxDefaults</c>; setting it makes the network <c>allowlist</c> unless <see cref="Network"/> says otherwise.
    /// </summary>
    public List<string>? AllowedHosts { get; set; }

    /// <summary>Extra host paths the seatbelt tier may read (<c>~</c> expanded), e.g. <c>["~/src/lib"]</c>.</summary>
    public List<string>? ReadOnlyPaths { get; set; }

    /// <summary>Extra host paths the seatbelt tier may read and write (<c>~</c> expanded).</summary>
    public List<string>? ReadWritePaths { get; set; }

    /// <summary>
    /// Host paths the seatbelt tier never reads or writes, in addition to the built-in credential list
    /// (<c>~/.ssh</c>, <c>~/.aws</c> …); they win over every allowed path.
    /// </summary>
    public List<string>? DeniedPaths { get; set; }

    /// <summary>Environment variables every process in the sandbox gets.</summary>
    public Dictionary<string, string>? Env { get; set; }

    /// <summary>Names of the server's own environment variables passed into the sandbox (nothing by default).</summary>
    public List<string>? PassEnv { get; set; }
}
