using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// The Apple <c>container</c> dialect (macOS, one micro-VM per container). Flags always precede the image or id,
/// memory always carries a unit, CPUs are whole numbers, output is read as JSON. There is no <c>commit</c>
/// (snapshots go through an in-guest tar and a build) and no pause.
/// </summary>
public sealed partial class AppleContainerCli : IContainerCli
{
    private const long MiB = 1L << 20;

    /// <inheritdoc />
    public string Engine => "apple";

    /// <inheritdoc />
    public string Program => "container";

    /// <inheritdoc />
    public bool IsSupportedHere => OperatingSystem.IsMacOS();

    /// <inheritdoc />
    public string InstallHint => "install Apple container (signed .pkg from github.com/apple/container/releases), then run: container system start --enable-kernel-install";

    /// <inheritdoc />
    public int MaxNameLength => 63;

    /// <inheritdoc />
    public bool SupportsCommit => false;

    /// <inheritdoc />
    public bool SupportsNetworks => false;

    /// <inheritdoc />
    public bool SupportsNoNetwork => false;

    /// <inheritdoc />
    /// <remarks>Apple relays a host socket mounted as a file into the VM (over vsock); a shared directory would not carry it.</remarks>
    public string CtlSocketPath => "/run/sandbox-ctl.sock";

    /// <inheritdoc />
    public bool AutoCreatesVolumes => false;

    /// <inheritdoc />
    public bool SupportsPidsLimit => false;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    /// <inheritdoc />
    /// <remarks>Plain <c>system status</c>: <c>--format</c> only exists from 0.10, and older CLIs reject it as a usage error.</remarks>
    public IReadOnlyList<string> Probe() => ["system", "status"];

    /// <inheritdoc />
    /// <remarks>
    /// Three shapes: 0.10+ prints a <c>FIELD VALUE</c> table (<c>status running</c>, <c>apiserver.version …</c>),
    /// 0.1–0.9 print <c>apiserver is running</c> and <c>container-apiserver version: …</c> lines, and a JSON object
    /// when a newer CLI defaults to it. A stopped apiserver exits 1 (with "not running" on stdout).
    /// </remarks>
    public string? ParseProbe(CommandOutput output)
    {
        if (!output.Succeeded)
        {
            return null;
        }

        var text = output.Stdout.Trim();
        bool running;
        string? version;
        if (text.StartsWith('{'))
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            running = root.TryGetProperty("status", out var status) && status.GetString() == "running";
            version = root.TryGetProperty("apiServerVersion", out var v) ? v.GetString() : null;
        }
        else
        {
            var lines = text.Split('\n', StringSplitOptions.TrimEntries);
            running = lines.Any(l => l == "apiserver is running" || StatusRowRegex().IsMatch(l));
            version = lines.FirstOrDefault(l => l.StartsWith("apiserver.version", StringComparison.Ordinal) || l.StartsWith("container-apiserver version", StringComparison.Ordinal));
        }

        if (!running)
        {
            return null;
        }

        var match = VersionRegex().Match(version ?? "");
        return match.Success ? $"apple container {match.Groups[1].Value}" : "apple container";
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ImageExists(string image) => ["image", "inspect", image];

    /// <inheritdoc />
    public IReadOnlyList<string> Run(ContainerRunSpec spec)
    {
        if (spec.ProxyDirectory is not null)
        {
            // Its containers always have a network (no "none"), so a proxy could not be the only way out.
            throw new NotSupportedException("Apple container cannot run a container without network, so it has no network allowlist.");
        }

        List<string> args = ["run", "-d", "--name", spec.Name, "--init"];
        foreach (var (key, value) in spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            args.AddRange(["--label", $"{key}={value}"]);
        }

        args.AddRange(["--cpus", Cpus(spec.Cpus)]);
        args.AddRange(["--memory", Memory(spec.MemoryBytes)]);
        foreach (var (volume, target) in spec.Volumes)
        {
            args.AddRange(["--volume", $"{volume}:{target}"]);
        }

        if (spec.CtlDirectory is not null)
        {
            args.AddRange(["--volume", $"{spec.CtlDirectory}/ctl.sock:{CtlSocketPath}"]);
        }

        args.Add(spec.Image);
        args.AddRange(spec.Command);
        return args;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Exec(string container, string? workDir, IReadOnlyList<string> passedEnv, IReadOnlyDictionary<string, string> inlineEnv, IReadOnlyList<string> argv) =>
        ExecArguments.Build(container, workDir, passedEnv, inlineEnv, argv);

    /// <inheritdoc />
    public IReadOnlyList<string> Inspect(string container) => ["inspect", container];

    /// <inheritdoc />
    public ContainerInfo? ParseInspect(CommandOutput output)
    {
        // 1.x fails with notFound; before 1.0 a missing id printed [] and exited 0.
        if (!output.Succeeded || !output.Stdout.TrimStart().StartsWith('['))
        {
            return null;
        }

        using var document = JsonDocument.Parse(output.Stdout);
        return document.RootElement.GetArrayLength() == 0 ? null : AppleJson.Container(document.RootElement[0]);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Start(string container) => ["start", container];

    /// <inheritdoc />
    public IReadOnlyList<string>? Unpause(string container) => null;

    /// <inheritdoc />
    public IReadOnlyList<string> Remove(string container) => ["delete", "--force", container];

    /// <inheritdoc />
    public IReadOnlyList<string> List(string label, string value) => ["list", "--all", "--format", "json"];

    /// <inheritdoc />
    public IReadOnlyList<ContainerInfo> ParseList(CommandOutput output, string label, string value)
    {
        if (!output.Succeeded || !output.Stdout.TrimStart().StartsWith('['))
        {
            return [];
        }

        // The CLI cannot filter on labels; 0.5–0.9 also ignored --all, which is what we want anyway.
        using var document = JsonDocument.Parse(output.Stdout);
        return [.. document.RootElement.EnumerateArray().Select(AppleJson.Container).Where(c => c.Labels.GetValueOrDefault(label) == value)];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> CreateVolume(string name, IReadOnlyDictionary<string, string> labels) =>
        ["volume", "create", .. labels.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" }), name];

    /// <inheritdoc />
    public IReadOnlyList<string> RemoveVolume(string name) => ["volume", "delete", name];

    /// <inheritdoc />
    public IReadOnlyList<string> NetworkExists(string name) => throw new NotSupportedException("Apple container networks need macOS 26; sandboxes use the default network.");

    /// <inheritdoc />
    public IReadOnlyList<string> CreateNetwork(string name, IReadOnlyDictionary<string, string> labels) => NetworkExists(name);

    /// <inheritdoc />
    public IReadOnlyList<string> Stats(string container) => ["stats", "--no-stream", "--format", "json", container];

    /// <inheritdoc />
    public ContainerStats? ParseStats(CommandOutput output)
    {
        if (!output.Succeeded || !output.Stdout.TrimStart().StartsWith('['))
        {
            return null;
        }

        using var document = JsonDocument.Parse(output.Stdout);
        if (document.RootElement.GetArrayLength() == 0)
        {
            return null;
        }

        // cpuUsageUsec is cumulative: a percentage needs two samples, so none is claimed here.
        var sample = document.RootElement[0];
        return new ContainerStats(
            null,
            sample.TryGetProperty("memoryUsageBytes", out var m) ? m.GetInt64() : null,
            sample.TryGetProperty("memoryLimitBytes", out var l) ? l.GetInt64() : null,
            sample.TryGetProperty("numProcesses", out var p) ? p.GetInt32() : null);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Commit(string container, string image, IReadOnlyDictionary<string, string> labels) =>
        throw new NotSupportedException("Apple container has no commit; snapshots use an in-guest tar and a build.");

    /// <inheritdoc />
    public IReadOnlyList<string> Build(string tag, string containerfile, string contextDirectory, IReadOnlyDictionary<string, string> labels) =>
        ["build", "-t", tag, "-f", containerfile, contextDirectory];

    /// <inheritdoc />
    public IReadOnlyList<string> ListImages() => ["image", "list", "--format", "json"];

    /// <inheritdoc />
    public IReadOnlyList<ImageInfo> ParseImages(CommandOutput output)
    {
        if (!output.Succeeded || !output.Stdout.TrimStart().StartsWith('['))
        {
            return [];
        }

        using var document = JsonDocument.Parse(output.Stdout);
        var images = new List<ImageInfo>();
        foreach (var image in document.RootElement.EnumerateArray())
        {
            if (image.TryGetProperty("configuration", out var configuration))
            {
                // 1.x ImageResource.
                var name = configuration.GetProperty("name").GetString()!;
                var id = image.TryGetProperty("id", out var i) ? i.GetString()! : name;
                long? size = image.TryGetProperty("variants", out var variants) && variants.ValueKind == JsonValueKind.Array
                    ? variants.EnumerateArray().Select(v => v.TryGetProperty("size", out var s) ? s.GetInt64() : 0).Sum()
                    : null;
                var created = configuration.TryGetProperty("creationDate", out var c) ? AppleJson.Date(c) : null;
                images.Add(new ImageInfo(name, id.Length > 12 ? id[..12] : id, size, created));
            }
            else if (image.TryGetProperty("reference", out var reference))
            {
                // 0.x PrintableImage: the size is display text like "12.3 MB".
                var digest = image.TryGetProperty("descriptor", out var d) && d.TryGetProperty("digest", out var g) ? g.GetString()! : reference.GetString()!;
                long? size = HumanSize.TryParse((image.TryGetProperty("fullSize", out var f) ? f.GetString() : null)?.Replace(" ", "", StringComparison.Ordinal), out var bytes) ? bytes : null;
                images.Add(new ImageInfo(reference.GetString()!, digest.Replace("sha256:", "", StringComparison.Ordinal)[..Math.Min(12, digest.Length)], size, null));
            }
        }

        return images;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> RemoveImage(string image) => ["image", "delete", image];

    /// <inheritdoc />
    public bool IsTransient(CommandOutput output) =>
        !output.Succeeded && (output.Stderr.Contains("XPC timeout", StringComparison.Ordinal) || output.Stderr.Contains("Connection interrupted", StringComparison.Ordinal));

    /// <inheritdoc />
    public bool IsNotFound(CommandOutput output) =>
        !output.Succeeded && (output.Stderr.Contains("notFound", StringComparison.Ordinal) || output.Stderr.Contains("not found", StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public bool IsInUse(CommandOutput output) =>
        !output.Succeeded && output.Stderr.Contains("in use", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whole CPUs, at least one: the CLI takes integers only.</summary>
    public static string Cpus(double cpus) => Math.Max(1, (int)Math.Ceiling(cpus - 1e-9)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Memory in whole MiB with a unit: a number without one would mean bytes.</summary>
    public static string Memory(long bytes) => ((bytes + MiB - 1) / MiB).ToString(CultureInfo.InvariantCulture) + "M";

    [GeneratedRegex(@"version:? (?:container-apiserver version )?(\d[^\s,()]*)")]
    private static partial Regex VersionRegex();

    [GeneratedRegex(@"^status\s+running$")]
    private static partial Regex StatusRowRegex();
}
