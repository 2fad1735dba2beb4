using System.Globalization;
using System.Text.Json;

namespace SandboxMcp.Runtimes.Container;

/// <summary>The docker dialect: only an engine whose daemon answers counts as available.</summary>
public sealed class DockerCli : OciCli
{
    /// <inheritdoc />
    public override string Engine => "docker";

    /// <inheritdoc />
    public override string Program => "docker";

    /// <inheritdoc />
    public override string InstallHint => "apt-get install docker.io and start the daemon (systemctl start docker, or dockerd &)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Probe() => ["version", "--format", "{{.Server.Version}}"];

    /// <inheritdoc />
    public override IReadOnlyList<string> ImageExists(string image) => ["image", "inspect", "--format", "{{.Id}}", image];

    /// <inheritdoc />
    public override IReadOnlyList<string> Remove(string container) => ["rm", "-f", container];

    /// <inheritdoc />
    public override IReadOnlyList<string> List(string label, string value) =>
        ["ps", "-a", "--filter", $"label={label}={value}", "--format", "{{json .}}"];

    /// <inheritdoc />
    public override IReadOnlyList<ContainerInfo> ParseList(CommandOutput output, string label, string value)
    {
        var containers = new List<ContainerInfo>();
        foreach (var line in JsonLines(output))
        {
            using var document = JsonDocument.Parse(line);
            var c = document.RootElement;
            var labels = ParseLabelList(c.TryGetProperty("Labels", out var l) ? l.GetString() : null);
            if (labels.GetValueOrDefault(label) == value)
            {
                containers.Add(new ContainerInfo(c.GetProperty("Names").GetString()!.Split(',')[0], c.GetProperty("State").GetString()!.ToLowerInvariant(), labels, c.TryGetProperty("Image", out var i) ? i.GetString() : null));
            }
        }

        return containers;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> Stats(string container) => ["stats", "--no-stream", "--format", "{{json .}}", container];

    /// <inheritdoc />
    public override ContainerStats? ParseStats(CommandOutput output)
    {
        var line = JsonLines(output).FirstOrDefault();
        if (line is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(line);
        var sample = document.RootElement;
        var (used, limit) = HumanSize.ParsePair(sample.TryGetProperty("MemUsage", out var m) ? m.GetString() : null);
        int? pids = sample.TryGetProperty("PIDs", out var p) && int.TryParse(p.GetString(), CultureInfo.InvariantCulture, out var n) ? n : null;
        return new ContainerStats(HumanSize.ParsePercent(sample.TryGetProperty("CPUPerc", out var c) ? c.GetString() : null), used, limit, pids);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> ListImages() => ["images", "--format", "{{json .}}"];

    /// <inheritdoc />
    public override IReadOnlyList<ImageInfo> ParseImages(CommandOutput output)
    {
        var images = new List<ImageInfo>();
        foreach (var line in JsonLines(output))
        {
            using var document = JsonDocument.Parse(line);
            var image = document.RootElement;
            var repository = image.GetProperty("Repository").GetString();
            var tag = image.GetProperty("Tag").GetString();
            var id = image.GetProperty("ID").GetString()!;
            var name = repository is null or "<none>" ? id : tag is null or "<none>" ? repository : $"{repository}:{tag}";
            long? size = HumanSize.TryParse(image.TryGetProperty("Size", out var s) ? s.GetString() : null, out var bytes) ? bytes : null;
            var created = image.TryGetProperty("CreatedAt", out var c) ? ParseDate(c.GetString()) : null;
            images.Add(new ImageInfo(name, id, size, created));
        }

        return images;
    }

    /// <summary>Docker prints Go's time format, <c>2026-11-23 00:28:47 +0000 UTC</c>.</summary>
    internal static DateTimeOffset? ParseDate(string? text)
    {
        var parts = (text ?? "").Split(' ');
        return parts.Length >= 3 && parts[2].Length == 5
            && DateTimeOffset.TryParseExact($"{parts[0]} {parts[1]} {parts[2][..3]}:{parts[2][3..]}", "yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at
            : null;
    }

    private static IEnumerable<string> JsonLines(CommandOutput output) =>
        output.Succeeded ? output.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{')) : [];

    /// <summary>Docker's <c>ps</c> prints labels as <c>k=v,k2=v2</c>.</summary>
    private static Dictionary<string, string> ParseLabelList(string? text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                labels[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return labels;
    }
}
