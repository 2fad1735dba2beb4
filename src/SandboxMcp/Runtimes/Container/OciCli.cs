using System.Globalization;
using System.Text.Json;
using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// What podman and docker share: the Docker command-line grammar. Each subclass overrides where the two differ
/// (probing, image checks, list and stats output, removal).
/// </summary>
public abstract class OciCli : IContainerCli
{
    private static readonly string[] TransientMarkers =
    [
        "database is locked", "resource temporarily unavailable", "try again", "timed out", "timeout",
        "connection reset", "is already in progress", "device or resource busy",
        // podman's CNI reads the host routes while another network's bridge is being torn down.
        "route ip+net: no such network interface",
    ];

    /// <inheritdoc />
    public abstract string Engine { get; }

    /// <inheritdoc />
    public abstract string Program { get; }

    /// <inheritdoc />
    public bool IsSupportedHere => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <inheritdoc />
    public abstract string InstallHint { get; }

    /// <inheritdoc />
    public int MaxNameLength => 128;

    /// <inheritdoc />
    public bool SupportsCommit => true;

    /// <inheritdoc />
    public bool SupportsNetworks => true;

    /// <inheritdoc />
    public bool SupportsNoNetwork => true;

    /// <inheritdoc />
    /// <remarks>The directory is shared, not the socket file, so a socket re-created by a restarted server is seen.</remarks>
    public string CtlSocketPath => "/run/sandbox-ctl/ctl.sock";

    /// <inheritdoc />
    public bool AutoCreatesVolumes => true;

    /// <inheritdoc />
    public bool SupportsPidsLimit => true;

    /// <inheritdoc />
    public virtual IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    /// <inheritdoc />
    public abstract IReadOnlyList<string> Probe();

    /// <inheritdoc />
    public virtual string? ParseProbe(CommandOutput output) =>
        output.Succeeded && output.Stdout.Trim() is { Length: > 0 } version ? $"{Engine} {version}" : null;

    /// <inheritdoc />
    public abstract IReadOnlyList<string> ImageExists(string image);

    /// <inheritdoc />
    public IReadOnlyList<string> Run(ContainerRunSpec spec)
    {
        // Whole mebibytes read as users write them (512m); anything else goes as exact bytes, never rounded.
        var memory = spec.MemoryBytes % (1L << 20) == 0 ? ByteSize.Format(spec.MemoryBytes) : spec.MemoryBytes.ToString(CultureInfo.InvariantCulture);
        // --init: a PID 1 that reaps and handles SIGTERM, so removal does not wait out a stop timeout.
        // --pull never: a missing image fails at once (and is named) instead of a slow registry attempt.
        List<string> args = ["run", "-d", "--name", spec.Name, "--init", "--pull", "never"];
        foreach (var (key, value) in spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            args.AddRange(["--label", $"{key}={value}"]);
        }

        args.AddRange(["--cpus", spec.Cpus.ToString("0.###", CultureInfo.InvariantCulture)]);
        args.AddRange(["--memory", memory, "--memory-swap", memory]);
        args.AddRange(["--pids-limit", spec.Pids.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["--network", spec.Network ?? "none"]);
        if (spec.Network is not null && spec.NetworkAlias is not null)
        {
            args.AddRange(["--network-alias", spec.NetworkAlias]);
        }

        if (spec.Hostname is not null)
        {
            args.AddRange(["--hostname", spec.Hostname]);
        }

        foreach (var (volume, target) in spec.Volumes)
        {
            args.AddRange(["-v", $"{volume}:{target}"]);
        }

        if (spec.CtlDirectory is not null)
        {
            args.AddRange(["-v", $"{spec.CtlDirectory}:/run/sandbox-ctl"]);
        }

        if (spec.ProxyDirectory is not null)
        {
            // The directory, not the socket: a restarted server's new socket appears in it.
            args.AddRange(["-v", $"{spec.ProxyDirectory}:{ProxyBridge.Mount}:ro"]);
        }

        args.Add(spec.Image);
        args.AddRange(spec.Command);
        return args;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Exec(string container, string? workDir, IReadOnlyList<string> passedEnv, IReadOnlyDictionary<string, string> inlineEnv, IReadOnlyList<string> argv) =>
        ExecArguments.Build(container, workDir, passedEnv, inlineEnv, argv);

    /// <inheritdoc />
    public IReadOnlyList<string> Inspect(string container) => ["container", "inspect", container];

    /// <inheritdoc />
    public ContainerInfo? ParseInspect(CommandOutput output)
    {
        if (!output.Succeeded)
        {
            return null;
        }

        using var document = JsonDocument.Parse(output.Stdout);
        if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
        {
            return null;
        }

        var container = document.RootElement[0];
        var state = container.GetProperty("State");
        var labels = container.TryGetProperty("Config", out var config) && config.TryGetProperty("Labels", out var l) ? Labels(l) : new Dictionary<string, string>();
        string? ip = null;
        if (container.TryGetProperty("NetworkSettings", out var network))
        {
            ip = network.TryGetProperty("IPAddress", out var direct) && direct.GetString() is { Length: > 0 } address ? address : null;
            if (ip is null && network.TryGetProperty("Networks", out var networks) && networks.ValueKind == JsonValueKind.Object)
            {
                ip = networks.EnumerateObject().Select(n => n.Value.TryGetProperty("IPAddress", out var a) ? a.GetString() : null).FirstOrDefault(a => !string.IsNullOrEmpty(a));
            }
        }

        DateTimeOffset? started = state.TryGetProperty("StartedAt", out var s) && DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture, out var at) ? at : null;
        var name = container.GetProperty("Name").GetString()!.TrimStart('/');
        var status = state.TryGetProperty("Status", out var st) ? st.GetString()!.ToLowerInvariant() : "unknown";
        return new ContainerInfo(name, status, labels, config.ValueKind == JsonValueKind.Object && config.TryGetProperty("Image", out var image) ? image.GetString() : null, ip, started);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Start(string container) => ["start", container];

    /// <inheritdoc />
    public IReadOnlyList<string>? Unpause(string container) => ["unpause", container];

    /// <inheritdoc />
    public abstract IReadOnlyList<string> Remove(string container);

    /// <inheritdoc />
    public abstract IReadOnlyList<string> List(string label, string value);

    /// <inheritdoc />
    public abstract IReadOnlyList<ContainerInfo> ParseList(CommandOutput output, string label, string value);

    /// <inheritdoc />
    public IReadOnlyList<string> CreateVolume(string name, IReadOnlyDictionary<string, string> labels) =>
        ["volume", "create", .. LabelArgs(labels), name];

    /// <inheritdoc />
    public IReadOnlyList<string> RemoveVolume(string name) => ["volume", "rm", "-f", name];

    /// <inheritdoc />
    public IReadOnlyList<string> NetworkExists(string name) => ["network", "inspect", name];

    /// <inheritdoc />
    public IReadOnlyList<string> CreateNetwork(string name, IReadOnlyDictionary<string, string> labels) =>
        ["network", "create", .. LabelArgs(labels), name];

    /// <inheritdoc />
    public abstract IReadOnlyList<string> Stats(string container);

    /// <inheritdoc />
    public abstract ContainerStats? ParseStats(CommandOutput output);

    /// <inheritdoc />
    public IReadOnlyList<string> Commit(string container, string image, IReadOnlyDictionary<string, string> labels) =>
        ["commit", .. labels.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { "--change", $"LABEL {l.Key}={l.Value}" }), container, image];

    /// <inheritdoc />
    public IReadOnlyList<string> Build(string tag, string containerfile, string contextDirectory, IReadOnlyDictionary<string, string> labels) =>
        ["build", "--force-rm", "-t", tag, "-f", containerfile, .. LabelArgs(labels), contextDirectory];

    /// <inheritdoc />
    public abstract IReadOnlyList<string> ListImages();

    /// <inheritdoc />
    public abstract IReadOnlyList<ImageInfo> ParseImages(CommandOutput output);

    /// <inheritdoc />
    public IReadOnlyList<string> RemoveImage(string image) => ["rmi", image];

    /// <inheritdoc />
    public bool IsTransient(CommandOutput output) =>
        !output.Succeeded && TransientMarkers.Any(m => output.Stderr.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public bool IsNotFound(CommandOutput output) =>
        !output.Succeeded && (output.Stderr.Contains("no such", StringComparison.OrdinalIgnoreCase)
            || output.Stderr.Contains("not found", StringComparison.OrdinalIgnoreCase)
            || output.Stderr.Contains("not known", StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public bool IsInUse(CommandOutput output) =>
        !output.Succeeded && (output.Stderr.Contains("in use", StringComparison.OrdinalIgnoreCase)
            || output.Stderr.Contains("is using", StringComparison.OrdinalIgnoreCase));

    /// <summary><c>--label k=v</c> pairs in a stable order.</summary>
    protected static IEnumerable<string> LabelArgs(IReadOnlyDictionary<string, string> labels) =>
        labels.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" });

    /// <summary>Labels from a JSON object (null or missing gives none).</summary>
    protected static Dictionary<string, string> Labels(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
