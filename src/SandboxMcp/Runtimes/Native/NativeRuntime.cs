using SandboxMcp.Common;
using SandboxMcp.Configuration;

namespace SandboxMcp.Runtimes.Native;

/// <summary>
/// The <c>native</c> tier: each sandbox is a directory under the state dir, used as HOME and working directory;
/// its processes run on the host in their own sessions with a clean environment, an open-files limit and the
/// <see cref="NativeWatchdog"/> for memory and process count. Not a security boundary.
/// </summary>
public sealed class NativeRuntime(ServerPaths paths, NativeWatchdog watchdog) : ISandboxRuntime
{
    /// <summary>Environment variable that tags every process of a native sandbox with its directory.</summary>
    public const string SandboxIdVariable = HostSandboxes.SandboxIdVariable;

    /// <inheritdoc />
    public string Name => "native";

    /// <inheritdoc />
    public SandboxTier Tier => SandboxTier.Native;

    /// <inheritdoc />
    public ValueTask<RuntimeAvailability> ProbeAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(RuntimeAvailability.Available(HostSandboxes.SetsidPath is null ? "host processes" : "host processes in their own sessions"));

    /// <inheritdoc />
    public ValueTask<RuntimeAvailability> CanCreateAsync(SandboxSpec spec, CancellationToken cancellationToken) =>
        spec.Network == NetworkMode.Allowlist
            ? ValueTask.FromResult(RuntimeAvailability.Unavailable("the native tier has the host's network and no allowlist (allowedHosts)"))
            : ProbeAsync(cancellationToken);

    /// <inheritdoc />
    public Task<RuntimeHandle> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Network == NetworkMode.None)
        {
            throw new SandboxException("The native tier runs host processes and cannot switch the network off: use tier \"seatbelt\" or \"vm\" for network \"none\".");
        }

        if (spec.Network == NetworkMode.Allowlist)
        {
            throw new SandboxException("The native tier runs host processes with the host's network and cannot restrict it to allowedHosts: use tier \"seatbelt\" for a network allowlist.");
        }

        var directory = Path.Combine(paths.SandboxesDirectory, spec.Name);
        var scratch = HostSandboxes.ScratchOf(directory);
        HostSandboxes.CreateLayout(directory);
        var properties = HostSandboxes.LimitProperties(spec);
        if (spec.CtlDirectory is not null)
        {
            // Host processes reach the host socket directly.
            properties[RuntimeHandle.CtlSocketProperty] = Path.Combine(spec.CtlDirectory, "ctl.sock");
            properties[RuntimeHandle.CtlClientProperty] = Path.Combine(scratch, "bin", "sandbox-ctl");
        }

        return Task.FromResult(new RuntimeHandle(Name, directory, directory, scratch, properties));
    }

    /// <inheritdoc />
    public Task DestroyAsync(RuntimeHandle handle, DestroyScope scope, CancellationToken cancellationToken)
    {
        HostSandboxes.KillAll(watchdog, handle.Id);
        watchdog.Forget(handle.Id);
        HostSandboxes.DeleteTree(handle.Id);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SandboxPresence> InspectAsync(RuntimeHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(handle.WorkDir) ? SandboxPresence.Running : SandboxPresence.Missing);

    /// <inheritdoc />
    public Task<ISandboxProcess> StartProcessAsync(RuntimeHandle handle, ProcessSpec process, CancellationToken cancellationToken)
    {
        var environment = HostSandboxes.CleanEnvironment(handle, HostSandboxes.TempOf(handle.WorkDir), process.Env);
        var wrapper = HostSandboxes.LimitsWrapper(handle);
        var setsid = HostSandboxes.SetsidPath;
        List<string> argv = setsid is null ? ["/bin/sh", "-c", wrapper, "sh"] : [setsid, "/bin/sh", "-c", wrapper, "sh"];
        argv.AddRange(process.Argv);
        var started = HostSandboxes.Start(argv, environment, process.WorkingDirectory ?? handle.WorkDir, "a process in the native sandbox");
        if (setsid is not null)
        {
            HostSandboxes.Watch(watchdog, handle, started.LocalId);
        }

        return Task.FromResult<ISandboxProcess>(started);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RuntimeHandle>> ListOwnedAsync(CancellationToken cancellationToken) =>
        Task.FromResult(HostSandboxes.ListDirectories(Name, paths.SandboxesDirectory));

    /// <inheritdoc />
    public IsolationInfo Describe(RuntimeHandle handle, SandboxSpec spec) =>
        new(
            "native (host processes)",
            "none: host processes with a clean environment and resource limits; the file system, network and other processes of the host are reachable",
            HostSandboxes.WatchedLimits(spec),
            "host network (not isolated)");

    /// <inheritdoc />
    public Task<ResourceUsage> UsageAsync(RuntimeHandle handle, SandboxSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult(watchdog.Usage(handle.Id, spec));

    /// <inheritdoc />
    public Task<string?> ExplainExitAsync(RuntimeHandle handle, SandboxSpec spec, int exitCode, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(watchdog.Explain(handle.Id, exitCode, since));
}
