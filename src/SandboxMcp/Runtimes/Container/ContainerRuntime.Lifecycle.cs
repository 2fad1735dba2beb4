using Microsoft.Extensions.Logging;
using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Container;

public sealed partial class ContainerRuntime
{
    /// <summary>Package caches kept across <c>reset</c>: volume purpose → mount point.</summary>
    public static readonly IReadOnlyList<(string Purpose, string Target)> CacheMounts =
    [
        ("apt", "/var/cache/apt"),
        ("aptlists", "/var/lib/apt/lists"),
        ("pip", "/root/.cache/pip"),
        ("npm", "/root/.npm"),
    ];

    /// <inheritdoc />
    public async Task<RuntimeHandle> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Network == NetworkMode.None && !_cli.SupportsNoNetwork)
        {
            throw new SandboxException($"{Name} cannot run a sandbox without network: use network \"default\", or the seatbelt tier for a sandbox with network off.");
        }

        var name = ContainerNames.Container(Owner, spec.Name, _cli.MaxNameLength);
        var networkName = spec.Network == NetworkMode.None ? "none" : _cli.SupportsNetworks ? ContainerNames.Network(Owner) : "default";
        var handle = HandleFor(name, spec.Name, spec.Parent, networkName);
        if (spec.CtlDirectory is not null)
        {
            handle = handle.With(RuntimeHandle.CtlSocketProperty, _cli.CtlSocketPath).With(RuntimeHandle.CtlClientProperty, "/usr/local/bin/sandbox-ctl");
        }

        if (await InspectContainerAsync(name, cancellationToken) is { } existing)
        {
            await AdoptAsync(existing, cancellationToken);
            _oomKills[name] = await ReadOomKillCountAsync(handle, cancellationToken) ?? 0;
            return handle;
        }

        if (!await ImageExistsAsync(spec.Image!, cancellationToken))
        {
            throw new SandboxException($"Cannot create sandbox '{spec.Name}': {MissingImage(spec.Image!)}.");
        }

        if (spec.CtlDirectory is not null)
        {
            // A bind mount needs its source: the socket inside it comes when the server starts listening.
            Directory.CreateDirectory(spec.CtlDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var labels = Labels(spec.Name);
        var volumes = new List<(string, string)> { (handle.Properties!["workspace"], WorkDir) };
        if (spec.Parent is null)
        {
            volumes.AddRange(CacheMounts.Select(c => (ContainerNames.Volume(Owner, spec.Name, "cache-" + c.Purpose, _cli.MaxNameLength), c.Target)));
        }

        foreach (var (volume, _) in volumes)
        {
            await EnsureVolumeAsync(volume, labels, cancellationToken);
        }

        string? network = null;
        if (spec.Network == NetworkMode.Default && _cli.SupportsNetworks)
        {
            network = ContainerNames.Network(Owner);
            await EnsureNetworkAsync(network, cancellationToken);
        }

        var run = new ContainerRunSpec
        {
            Name = name,
            Image = spec.Image!,
            Labels = labels,
            Cpus = spec.Cpus,
            MemoryBytes = spec.MemoryBytes,
            Pids = spec.Pids,
            Network = spec.Network == NetworkMode.None ? null : network ?? "default",
            NetworkAlias = network is null ? null : spec.Name,
            Hostname = spec.Name,
            Volumes = volumes,
            CtlDirectory = spec.CtlDirectory,
        };
        var output = await RunAsync(_cli.Run(run), cancellationToken);
        if (!output.Succeeded)
        {
            // A concurrent create of the same name (another server) is fine: adopt what it made.
            if (await InspectContainerAsync(name, cancellationToken) is { } raced)
            {
                await AdoptAsync(raced, cancellationToken);
                return handle;
            }

            throw EngineException.From(Name, $"create sandbox '{spec.Name}'", output);
        }

        _oomKills[name] = 0;
        LogCreated(name, spec.Image!);
        return handle;
    }

    /// <inheritdoc />
    public async Task DestroyAsync(RuntimeHandle handle, DestroyScope scope, CancellationToken cancellationToken)
    {
        var removed = await RunAsync(_cli.Remove(handle.Id), cancellationToken);
        if (!removed.Succeeded && !_cli.IsNotFound(removed))
        {
            throw EngineException.From(Name, $"remove {handle.Id}", removed);
        }

        var volumes = new List<string> { handle.Properties?.GetValueOrDefault("workspace") ?? "" };
        if (scope == DestroyScope.Everything)
        {
            volumes.AddRange((handle.Properties?.GetValueOrDefault("caches") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));
        }

        foreach (var volume in volumes.Where(v => v.Length > 0))
        {
            var output = await RunAsync(_cli.RemoveVolume(volume), cancellationToken);
            if (!output.Succeeded && !_cli.IsNotFound(output))
            {
                throw EngineException.From(Name, $"remove volume {volume}", output);
            }
        }

        _oomKills.TryRemove(handle.Id, out _);
    }

    /// <summary>A handle with the deterministic names of a sandbox's container and volumes.</summary>
    private RuntimeHandle HandleFor(string container, string sandbox, string? parent, string? network = null)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["workspace"] = ContainerNames.Volume(Owner, sandbox, "ws", _cli.MaxNameLength),
            ["caches"] = parent is null ? string.Join(',', CacheMounts.Select(c => ContainerNames.Volume(Owner, sandbox, "cache-" + c.Purpose, _cli.MaxNameLength))) : "",
        };
        if (network is not null)
        {
            properties["network"] = network;
        }

        return new RuntimeHandle(Name, container, WorkDir, ScratchDir, properties);
    }

    private Dictionary<string, string> Labels(string sandbox) => new(StringComparer.Ordinal)
    {
        [ContainerNames.OwnerLabel] = Owner,
        [ContainerNames.SandboxLabel] = sandbox,
    };

    /// <summary>Takes over a container of ours that outlived a server: unpause or start it.</summary>
    private async Task AdoptAsync(ContainerInfo existing, CancellationToken cancellationToken)
    {
        if (existing.Labels.GetValueOrDefault(ContainerNames.OwnerLabel) != Owner)
        {
            throw new SandboxException($"A container named {existing.Name} exists but was not made by this sandbox-mcp state directory: remove or rename it.");
        }

        if (existing.IsPaused && _cli.Unpause(existing.Name) is { } unpause)
        {
            await RunCheckedAsync(unpause, $"unpause {existing.Name}", cancellationToken);
        }
        else if (!existing.IsRunning)
        {
            await RunCheckedAsync(_cli.Start(existing.Name), $"start {existing.Name}", cancellationToken);
        }
    }

    private async Task EnsureVolumeAsync(string volume, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var output = await RunAsync(_cli.CreateVolume(volume, labels), cancellationToken);
        if (!output.Succeeded && !output.Stderr.Contains("exists", StringComparison.OrdinalIgnoreCase))
        {
            throw EngineException.From(Name, $"create volume {volume}", output);
        }
    }

    private async Task EnsureNetworkAsync(string network, CancellationToken cancellationToken)
    {
        if ((await RunAsync(_cli.NetworkExists(network), cancellationToken)).Succeeded)
        {
            return;
        }

        var output = await RunAsync(_cli.CreateNetwork(network, new Dictionary<string, string> { [ContainerNames.OwnerLabel] = Owner }), cancellationToken);
        if (!output.Succeeded && !output.Stderr.Contains("exists", StringComparison.OrdinalIgnoreCase))
        {
            throw EngineException.From(Name, $"create network {network}", output);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started container {Container} from {Image}")]
    private partial void LogCreated(string container, string image);
}
