using System.Globalization;
using System.Text.Json;

namespace SandboxMcp.Runtimes.Container;

/// <summary>The podman dialect.</summary>
/// <param name="environment">Extra environment for podman (our <c>CONTAINERS_CONF</c> when the user has none).</param>
public sealed class PodmanCli(IReadOnlyDictionary<string, string> environment) : OciCli
{
    /// <inheritdoc />
    public override string Engine => "podman";

    /// <inheritdoc />
    public override string Program => "podman";

    /// <inheritdoc />
    public override string InstallHint => "apt-get install podman (or dnf install podman; brew install podman on macOS)";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Environment => environment;

    /// <inheritdoc />
    public override IReadOnlyList<string> Probe() => ["info", "--format", "{{.Version.Version}}"];

    /// <inheritdoc />
    public override IReadOnlyList<string> ImageExists(string image) => ["image", "exists", image];

    /// <inheritdoc />
    public override IReadOnlyList<string> Remove(string container) => ["rm", "-f", "-t", "0", container];

    /// <inheritdoc />
    public override IReadOnlyList<string> List(string label, string value) =>
        ["ps", "-a", "--filter", $"label={label}={value}", "--format", "json"];

    /// <inheritdoc />
    public override IReadOnlyList<ContainerInfo> ParseList(CommandOutput output, string label, string value)
    {
        if (!output.Succeeded || string.IsNullOrWhiteSpace(output.Stdout))
        {
            return [];
        }

        using var document = JsonDocument.Parse(output.Stdout);
        return
        [
            .. document.RootElement.EnumerateArray()
                .Select(c => new ContainerInfo(
                    c.GetProperty("Names")[0].GetString()!,
                    c.GetProperty("State").GetString()!.ToLowerInvariant(),
                    Labels(c.TryGetProperty("Labels", out var l) ? l : default),
                    c.TryGetProperty("Image", out var i) ? i.GetString() : null))
                .Where(c => c.Labels.GetValueOrDefault(label) == value),
        ];
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> Stats(string container) => ["stats", "--no-stream", "--no-reset", "--format", "json", container];

    /// <inheritdoc />
    public override ContainerStats? ParseStats(CommandOutput output)
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

        var sample = document.RootElement[0];
        var (used, limit) = HumanSize.ParsePair(sample.TryGetProperty("mem_usage", out var m) ? m.GetString() : null);
        int? pids = sample.TryGetProperty("pids", out var p) && int.TryParse(p.GetString(), CultureInfo.InvariantCulture, out var n) ? n : null;
        return new ContainerStats(HumanSize.ParsePercent(sample.TryGetProperty("cpu_percent", out var c) ? c.GetString() : null), used, limit, pids);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> ListImages() => ["images", "--format", "json"];

    /// <inheritdoc />
    public override IReadOnlyList<ImageInfo> ParseImages(CommandOutput output)
    {
        if (!output.Succeeded || string.IsNullOrWhiteSpace(output.Stdout))
        {
            return [];
        }

        using var document = JsonDocument.Parse(output.Stdout);
        var images = new List<ImageInfo>();
        foreach (var image in document.RootElement.EnumerateArray())
        {
            var id = image.GetProperty("Id").GetString()!;
            var shortId = id.Length > 12 ? id[..12] : id;
            long? size = image.TryGetProperty("Size", out var s) && s.TryGetInt64(out var bytes) ? bytes : null;
            DateTimeOffset? created = image.TryGetProperty("Created", out var c) && c.TryGetInt64(out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;
            var names = image.TryGetProperty("Names", out var n) && n.ValueKind == JsonValueKind.Array ? n.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            images.AddRange(names.Count == 0 ? [new ImageInfo(shortId, shortId, size, created)] : names.Select(name => new ImageInfo(name, shortId, size, created)));
        }

        return images;
    }
}
