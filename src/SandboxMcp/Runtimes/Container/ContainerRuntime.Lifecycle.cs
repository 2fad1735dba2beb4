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
    /// <remarks>
    /// The common case is one engine command, <c>run -d</c>, so creating a sandbox costs what the engine costs:
    /// volumes are created by the run itself where the engine does that, the network is checked once per server,
    /// and only a failed run looks further (a container of that name to adopt, a missing image to name).
    /// </remarks>
    public async Task<RuntimeHandle> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Network == NetworkMode.None && !_cli.SupportsNoNetwork)
        {
            throw new SandboxException($"{Name} cannot run a sandbox without network: use network \"default\", or the seatbelt tier for a sandbox with network off.");
        }

        var name = ContainerNames.Container(Owner, spec.Name, _cli.MaxNameLength);
        var allowlist = spec.Network == NetworkMode.Allowlist ? PrepareAllowlist(spec, name) : default((List<string> Hosts, string Directory)?);
        string? network = spec.Network is NetworkMode.None or NetworkMode.Allowlist ? null : _cli.SupportsNetworks ? ContainerNames.Network(Owner) : "default";
        var handle = HandleFor(name, spec.Name, spec.Parent, network ?? "none", spec.Image);
        if (spec.CtlDirectory is not null)
        {
            // A bind mount needs its source: the socket inside it comes when the server starts listening.
            Directory.CreateDirectory(spec.CtlDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            handle = handle.With(RuntimeHandle.CtlSocketProperty, _cli.CtlSocketPath).With(RuntimeHandle.CtlClientProperty, "/usr/local/bin/sandbox-ctl");
        }

        if (allowlist is { } list)
        {
            handle = handle.With(AllowedHostsProperty, string.Join(',', list.Hosts)).With(SandboxProperty, spec.Name);
        }

        var labels = Labels(spec.Name);
        var volumes = new List<(string, string)> { (handle.Properties!["workspace"], WorkDir) };
        if (spec.Parent is null)
        {
            volumes.AddRange(CacheMounts.Select(c => (ContainerNames.Volume(Owner, spec.Name, "cache-" + c.Purpose, _cli.MaxNameLength), c.Target)));
        }

        if (!_cli.AutoCreatesVolumes)
        {
            foreach (var (volume, _) in volumes)
            {
                await EnsureVolumeAsync(volume, labels, cancellationToken);
            }
        }

        if (network is not null && _cli.SupportsNetworks)
        {
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
            Network = network,
            NetworkAlias = network is not null && _cli.SupportsNetworks ? spec.Name : null,
            Hostname = spec.Name,
            Volumes = volumes,
            CtlDirectory = spec.CtlDirectory,
            ProxyDirectory = allowlist?.Directory,
        };
        var output = await RunAsync(_cli.Run(run), cancellationToken);
        if (!output.Succeeded)
        {
            // A container of this name already exists (a server restarted without its state, or another server
            // created it a moment ago): adopt it.
            if (await InspectContainerAsync(name, cancellationToken) is { } existing)
            {
                await AdoptAsync(existing, cancellationToken);
                _oomKills[name] = -1;
                _oomKills[name] = await ReadOomKillCountAsync(handle, cancellationToken) ?? 0;
                return handle;
            }

            if (!await ImageExistsAsync(spec.Image!, cancellationToken))
            {
                throw new SandboxException($"Cannot create sandbox '{spec.Name}': {MissingImage(spec.Image!)}.");
            }

            if (network is not null && output.Stderr.Contains(network, StringComparison.Ordinal))
            {
                _networks.TryRemove(network, out _);
            }

            throw EngineException.From(Name, $"create sandbox '{spec.Name}'", output);
        }

        _oomKills[name] = 0;
        if (ContainerNames.IsCaptured(Owner, spec.Image!))
        {
            await ExecCheckedAsync(handle, ["sh", "-c", SnapshotScripts.UnpackWorkspace, "sandbox-mcp-restore", WorkDir], "unpack the saved workspace", cancellationToken);
        }

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

        // A clone's image belongs to the clone; reset keeps it, because the clone is recreated from it.
        if (scope == DestroyScope.Everything && handle.Properties?.GetValueOrDefault("image") is { } image
            && image.StartsWith(ContainerNames.CloneImage(Owner, ""), StringComparison.Ordinal))
        {
            var output = await RunAsync(_cli.RemoveImage(image), cancellationToken);
            if (!output.Succeeded && !_cli.IsNotFound(output))
            {
                LogImageKept(image, output.Stderr.Trim());
            }
        }

        _oomKills.TryRemove(handle.Id, out _);
        await StopAllowlistAsync(handle);
    }

    /// <summary>A handle with the deterministic names of a sandbox's container and volumes.</summary>
    private RuntimeHandle HandleFor(string container, string sandbox, string? parent, string? network = null, string? image = null)
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

        if (image is not null)
        {
            properties["image"] = image;
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

    /// <summary>Creates the owner's network once per server; later creates skip the check.</summary>
    private async Task EnsureNetworkAsync(string network, CancellationToken cancellationToken)
    {
        if (_networks.ContainsKey(network))
        {
            return;
        }

        if (!(await RunAsync(_cli.NetworkExists(network), cancellationToken)).Succeeded)
        {
            var output = await RunAsync(_cli.CreateNetwork(network, new Dictionary<string, string> { [ContainerNames.OwnerLabel] = Owner }), cancellationToken);
            if (!output.Succeeded && !output.Stderr.Contains("exists", StringComparison.OrdinalIgnoreCase))
            {
                throw EngineException.From(Name, $"create network {network}", output);
            }
        }

        _networks[network] = true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started container {Container} from {Image}")]
    private partial void LogCreated(string container, string image);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove image {Image}: {Error}")]
    private partial void LogImageKept(string image, string error);
}
