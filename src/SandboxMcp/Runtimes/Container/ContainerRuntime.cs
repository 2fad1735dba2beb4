using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using SandboxMcp.Common;
using SandboxMcp.Configuration;

namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// The <c>vm</c> tier on a container engine. Naming, labels, volumes, limits, adoption after a restart and orphan
/// listing are written here once; an <see cref="IContainerCli"/> dialect only turns intents into argv and parses
/// output. Engine commands go through <see cref="ICommandRunner"/> with a retry for transient failures.
/// </summary>
public sealed partial class ContainerRuntime : ISandboxRuntime, IImageRuntime, IDisposable
{
    /// <summary>The work directory and HOME of the sandbox's processes.</summary>
    public const string WorkDir = "/workspace";

    /// <summary>Where the server keeps its own files inside the container (shell state).</summary>
    public const string ScratchDir = "/var/lib/sandbox-mcp";

    private readonly IContainerCli _cli;
    private readonly ICommandRunner _runner;
    private readonly SandboxMcpOptions _options;
    private readonly ILogger<ContainerRuntime> _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<CommandOutput> _retry;
    private readonly ConcurrentDictionary<string, long> _oomKills = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _networks = new(StringComparer.Ordinal);
    private readonly ServerPaths _paths;
    private readonly ProbeCache _probe;
    private readonly Network.AllowlistProxies? _proxies;

    /// <summary>A runtime for one engine; without <paramref name="proxies"/> it has no network allowlist.</summary>
    public ContainerRuntime(
        IContainerCli cli, ICommandRunner runner, ServerPaths paths, SandboxMcpOptions options, ILogger<ContainerRuntime> logger, TimeProvider time, Network.AllowlistProxies? proxies = null)
    {
        _proxies = proxies;
        _cli = cli;
        _runner = runner;
        _paths = paths;
        _options = options;
        _logger = logger;
        _time = time;
        _probe = new ProbeCache(time);
        Owner = ContainerNames.Owner(paths.StateDirectory);
        _retry = new ResiliencePipelineBuilder<CommandOutput>()
            .AddRetry(new RetryStrategyOptions<CommandOutput>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } output && cli.IsTransient(output)),
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, args.Outcome.Result?.Stderr);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>This state directory's owner id, in every name and label.</summary>
    public string Owner { get; }

    /// <inheritdoc />
    public string Name => _cli.Engine;

    /// <inheritdoc />
    public SandboxTier Tier => SandboxTier.Vm;

    /// <summary>The dialect.</summary>
    public IContainerCli Cli => _cli;

    /// <inheritdoc />
    public ValueTask<RuntimeAvailability> ProbeAsync(CancellationToken cancellationToken) => _probe.GetAsync(ProbeNowAsync, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<RuntimeAvailability> CanCreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var engine = await ProbeAsync(cancellationToken);
        if (!engine.IsAvailable)
        {
            return engine;
        }

        if (spec.Network == NetworkMode.None && !_cli.SupportsNoNetwork)
        {
            return RuntimeAvailability.Unavailable($"{Name} cannot run a container without network");
        }

        if (spec.Network == NetworkMode.Allowlist && !HasAllowlist)
        {
            // An automatic tier choice then falls to the seatbelt tier, which has one.
            return RuntimeAvailability.Unavailable($"{Name} cannot run a container without network, so it has no network allowlist (allowedHosts)");
        }

        return await ImageExistsAsync(spec.Image!, cancellationToken)
            ? engine
            : RuntimeAvailability.Unavailable(MissingImage(spec.Image!));
    }

    /// <inheritdoc />
    public async Task<SandboxPresence> InspectAsync(RuntimeHandle handle, CancellationToken cancellationToken) =>
        await InspectContainerAsync(handle.Id, cancellationToken) switch
        {
            null => SandboxPresence.Missing,
            { IsRunning: true } => SandboxPresence.Running,
            _ => SandboxPresence.Stopped,
        };

    /// <inheritdoc />
    public async Task<System.Net.IPAddress?> NetworkAddressAsync(RuntimeHandle handle, CancellationToken cancellationToken) =>
        await InspectContainerAsync(handle.Id, cancellationToken) is { IsRunning: true, IpAddress: { } ip } && System.Net.IPAddress.TryParse(ip, out var address)
            ? address
            : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RuntimeHandle>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        var output = await RunAsync(_cli.List(ContainerNames.OwnerLabel, Owner), cancellationToken);
        if (!output.Succeeded)
        {
            throw EngineException.From(Name, "list its containers", output);
        }

        return [.. _cli.ParseList(output, ContainerNames.OwnerLabel, Owner).Select(c => HandleFor(c.Name, c.Labels.GetValueOrDefault(ContainerNames.SandboxLabel) ?? c.Name, parent: null))];
    }

    /// <inheritdoc />
    public IsolationInfo Describe(RuntimeHandle handle, SandboxSpec spec)
    {
        var engine = _probe.Last is { IsAvailable: true } probe ? probe.Detail : Name;
        var isolation = _cli.Engine == "apple"
            ? "micro-VM: one lightweight Linux VM per sandbox (Apple Virtualization.framework)"
            : "container: Linux namespaces and cgroups around its own file system; shares the host kernel";
        var network = AllowedHostsOf(handle) is { } hosts
            ? AllowlistNetwork(handle, hosts)
            : spec.Network == NetworkMode.None
            ? "none: loopback only"
            : _cli.SupportsNetworks
                ? $"{handle.Properties?.GetValueOrDefault("network") ?? ContainerNames.Network(Owner)}: outbound access; other sandboxes reachable by their sandbox name"
                : "engine default network: outbound access";
        return new IsolationInfo(
            engine,
            isolation,
            [
                _cli.Engine == "apple" ? $"cpus {AppleContainerCli.Cpus(spec.Cpus)} (whole cpus of the VM)" : $"cpus {spec.Cpus:0.###}",
                _cli.Engine == "apple" ? $"memory {ByteSize.Format(spec.MemoryBytes)} (the VM's memory)" : $"memory {ByteSize.Format(spec.MemoryBytes)} (cgroup; exceeding it kills the process)",
                _cli.SupportsPidsLimit ? $"{spec.Pids} processes" : "processes not limited (the engine has no process limit)",
            ],
            network);
    }

    /// <summary>Runs an engine command, retrying transient failures.</summary>
    internal async Task<CommandOutput> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, Action<string>? onOutputLine = null) =>
        await _retry.ExecuteAsync(
            async token => await _runner.RunAsync(_cli.Program, arguments, _cli.Environment, onOutputLine, token),
            cancellationToken);

    /// <summary>Runs an engine command and throws an <see cref="EngineException"/> saying what failed.</summary>
    internal async Task<CommandOutput> RunCheckedAsync(IReadOnlyList<string> arguments, string what, CancellationToken cancellationToken, Action<string>? onOutputLine = null)
    {
        var output = await RunAsync(arguments, cancellationToken, onOutputLine);
        return output.Succeeded ? output : throw EngineException.From(Name, what, output);
    }

    private async Task<RuntimeAvailability> ProbeNowAsync(CancellationToken cancellationToken)
    {
        if (!_cli.IsSupportedHere)
        {
            return RuntimeAvailability.Unavailable($"{_cli.Program} does not run on this operating system");
        }

        CommandOutput output;
        try
        {
            output = await _runner.RunAsync(_cli.Program, _cli.Probe(), _cli.Environment, null, cancellationToken);
        }
        catch (SandboxException)
        {
            return RuntimeAvailability.Unavailable($"{_cli.Program} is not installed: {_cli.InstallHint}");
        }

        return _cli.ParseProbe(output) is { } version
            ? RuntimeAvailability.Available(version)
            : RuntimeAvailability.Unavailable($"{_cli.Program} is installed but cannot run containers ({FirstLine(output)}): {_cli.InstallHint}");
    }

    private async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken) =>
        (await RunAsync(_cli.ImageExists(image), cancellationToken)).Succeeded;

    private string MissingImage(string image) =>
        image == _options.DefaultImage
            ? $"image {image} is not built for {Name}: run images/build-base.sh (it needs no registry)"
            : $"image {image} is not available to {Name}: build it with the build_image tool or `{_cli.Program} build`, or pick another image";

    private async Task<ContainerInfo?> InspectContainerAsync(string container, CancellationToken cancellationToken)
    {
        var output = await RunAsync(_cli.Inspect(container), cancellationToken);
        if (!output.Succeeded && !_cli.IsNotFound(output))
        {
            throw EngineException.From(Name, $"inspect {container}", output);
        }

        return _cli.ParseInspect(output);
    }

    private static string FirstLine(CommandOutput output) =>
        (output.Stderr.Trim().Length > 0 ? output.Stderr : output.Stdout).Trim().Split('\n')[0];

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine command failed transiently, retry {Attempt}: {Error}")]
    private partial void LogRetry(int attempt, string? error);

    /// <inheritdoc />
    /// <remarks>Forwarders end with their exec client; the container's python forwarder then sees stdin close and exits.</remarks>
    public void Dispose()
    {
        lock (_forwarderGate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
        }

        foreach (var id in _forwarders.Keys)
        {
            if (_forwarders.TryRemove(id, out var forwarder) && forwarder.IsCompletedSuccessfully)
            {
                forwarder.Result.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        _probe.Dispose();
    }
}
