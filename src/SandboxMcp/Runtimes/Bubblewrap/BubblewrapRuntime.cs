using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Runtimes.Container;
using SandboxMcp.Runtimes.Native;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Bubblewrap;

/// <summary>
/// The <c>seatbelt</c> tier on Linux: a directory under the state dir (HOME and working directory, as on native)
/// seen through bubblewrap. A long-lived holder per sandbox owns its user, pid, ipc, uts, mount (and network)
/// namespaces, built from the <see cref="SandboxPolicy"/>; every process enters them with nsenter and runs without
/// capabilities, a clean environment, the open-files limit and the <see cref="NativeWatchdog"/>.
/// </summary>
public sealed partial class BubblewrapRuntime(
    ServerPaths paths, NativeWatchdog watchdog, ICommandRunner runner, TimeProvider time, Network.AllowlistProxies proxies, ILogger<BubblewrapRuntime> logger)
    : ISandboxRuntime, IAsyncDisposable
{
    /// <summary>What to install when bubblewrap is missing.</summary>
    public const string InstallHint = "apt-get install bubblewrap (dnf install bubblewrap), or use tier \"native\"";

    private readonly ConcurrentDictionary<string, Task<BubblewrapHolder>> _holders = new(StringComparer.Ordinal);
    private readonly Lock _holderGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ProbeCache _probe = new(time);
    private Tools? _tools;
    private volatile bool _disposed;

    /// <summary>The programs this runtime drives, found on PATH.</summary>
    private sealed record Tools(string Bwrap, string Nsenter, string Setpriv);

    /// <inheritdoc />
    public string Name => "bwrap";

    /// <inheritdoc />
    public SandboxTier Tier => SandboxTier.Seatbelt;

    /// <inheritdoc />
    public ValueTask<RuntimeAvailability> ProbeAsync(CancellationToken cancellationToken) => _probe.GetAsync(ProbeNowAsync, cancellationToken);

    /// <inheritdoc />
    public async Task<RuntimeHandle> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var availability = await ProbeAsync(cancellationToken);
        if (!availability.IsAvailable)
        {
            throw new SandboxException($"The seatbelt tier cannot be used: {availability.Detail}.");
        }

        var directory = Path.Combine(paths.SeatbeltDirectory, spec.Name);
        string? ctlSocket = null;
        if (spec.CtlDirectory is not null)
        {
            // A bind mount needs its source: the socket inside it comes when the server starts listening.
            Directory.CreateDirectory(spec.CtlDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            ctlSocket = Path.Combine(spec.CtlDirectory, "ctl.sock");
        }

        var policy = PolicyBuilder.ForThisMachine(Home).Build(spec, directory, HostSandboxes.TempOf(directory), paths.StateDirectory, ctlSocket);
        HostSandboxes.CreateLayout(directory);
        var scratch = HostSandboxes.ScratchOf(directory);
        var properties = HostSandboxes.LimitProperties(spec);
        properties[PolicyProperty.Key] = PolicyProperty.Serialize(policy);
        if (ctlSocket is not null)
        {
            properties[RuntimeHandle.CtlSocketProperty] = BubblewrapArguments.CtlMount + "/ctl.sock";
            properties[RuntimeHandle.CtlClientProperty] = Path.Combine(scratch, "bin", "sandbox-ctl");
        }

        var handle = new RuntimeHandle(Name, directory, directory, scratch, properties);

        // The holder starts now but is not waited for: bwrap's namespace setup overlaps the reply and the client's
        // next call, which waits for it (and reports a failure).
        _ = EnsureHolderAsync(handle, CancellationToken.None).ContinueWith(t => t.Exception, TaskScheduler.Default);
        return handle;
    }

    /// <inheritdoc />
    public async Task DestroyAsync(RuntimeHandle handle, DestroyScope scope, CancellationToken cancellationToken)
    {
        if (_holders.TryRemove(handle.Id, out var holder))
        {
            await Started.EndAsync(holder);
        }

        await proxies.StopAsync(handle.Id);

        // Holders of other servers sharing this state directory, and anything they started, carry the id tag.
        HostSandboxes.KillAll(watchdog, handle.Id);
        watchdog.Forget(handle.Id);
        HostSandboxes.DeleteTree(handle.Id);
    }

    /// <inheritdoc />
    public Task<SandboxPresence> InspectAsync(RuntimeHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(handle.WorkDir) ? SandboxPresence.Running : SandboxPresence.Missing);

    /// <inheritdoc />
    public Task<IReadOnlyList<RuntimeHandle>> ListOwnedAsync(CancellationToken cancellationToken) =>
        Task.FromResult(HostSandboxes.ListDirectories(Name, paths.SeatbeltDirectory));

    /// <inheritdoc />
    public IsolationInfo Describe(RuntimeHandle handle, SandboxSpec spec)
    {
        var policy = handle.Properties?.ContainsKey(PolicyProperty.Key) == true ? PolicyProperty.Read(handle) : null;
        var engine = _probe.Last is { IsAvailable: true } probe ? probe.Detail : Name;
        var network = policy switch
        {
            { NetworkAllowed: true } => "host network (full access, as the profile asks)",
            { UsesProxy: true } => AllowlistNetwork(handle, policy),
            _ => "none: a loopback of its own only (host services on 127.0.0.1 are not reachable)",
        };
        return new IsolationInfo(
            engine,
            "OS sandbox (bubblewrap): own user, pid, ipc, uts and mount namespaces; the system read-only, its own directory writable, credentials and the rest of the host hidden; host processes invisible; shares the host kernel",
            HostSandboxes.WatchedLimits(spec),
            network,
            policy?.Summary());
    }

    /// <inheritdoc />
    public Task<ResourceUsage> UsageAsync(RuntimeHandle handle, SandboxSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult(watchdog.Usage(handle.Id, spec));

    /// <inheritdoc />
    public Task<string?> ExplainExitAsync(RuntimeHandle handle, SandboxSpec spec, int exitCode, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(watchdog.Explain(handle.Id, exitCode, since));

    /// <summary>Ends every holder this server started, and with them every process in its sandboxes.</summary>
    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as an ISandboxRuntime, so the container disposes it twice.
        lock (_holderGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _stopping.CancelAsync();
        foreach (var id in _holders.Keys)
        {
            if (_holders.TryRemove(id, out var holder))
            {
                await Started.EndAsync(holder);
            }
        }

        _stopping.Dispose();
        _probe.Dispose();
    }

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private async Task<RuntimeAvailability> ProbeNowAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return RuntimeAvailability.Unavailable("bubblewrap is the seatbelt tier on Linux only (macOS uses Seatbelt)");
        }

        if (ExecutablePath.Find("bwrap") is not { } bwrap)
        {
            return RuntimeAvailability.Unavailable($"bubblewrap is not installed: {InstallHint}");
        }

        if (ExecutablePath.Find("nsenter") is not { } nsenter || ExecutablePath.Find("setpriv") is not { } setpriv)
        {
            return RuntimeAvailability.Unavailable("nsenter and setpriv are missing: apt-get install util-linux");
        }

        var version = await runner.RunAsync(bwrap, ["--version"], new Dictionary<string, string>(), null, cancellationToken);
        var check = await runner.RunAsync(bwrap, ["--unshare-user", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/", "--", "/bin/true"], new Dictionary<string, string>(), null, cancellationToken);
        if (!check.Succeeded)
        {
            return RuntimeAvailability.Unavailable($"bwrap cannot create a sandbox here: {BubblewrapHolder.Explain(check.Stderr)}");
        }

        _tools = new Tools(bwrap, nsenter, setpriv);
        var text = version.Stdout.Trim();
        return RuntimeAvailability.Available(text.StartsWith("bubblewrap ", StringComparison.Ordinal) ? "bwrap " + text["bubblewrap ".Length..] : "bwrap");
    }
}
