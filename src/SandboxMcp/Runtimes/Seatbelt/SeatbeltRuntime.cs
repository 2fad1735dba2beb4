using System.Collections.Concurrent;
using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Runtimes.Container;
using SandboxMcp.Runtimes.Native;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Seatbelt;

/// <summary>
/// The <c>seatbelt</c> tier on macOS: a directory under the state dir (HOME and working directory) and every
/// process started through <c>/usr/bin/sandbox-exec</c> with the sandbox's generated deny-default profile, kept
/// outside the sandbox's reach. Processes are host processes (no pid namespace on macOS), in their own sessions.
/// </summary>
public sealed partial class SeatbeltRuntime(ServerPaths paths, ICommandRunner runner, Network.AllowlistProxies proxies) : ISandboxRuntime
{
    /// <summary>sysexits' EX_OSERR: what sandbox-exec returns when the caller is already sandboxed.</summary>
    public const int NestedExitCode = 71;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, bool>> _sessions = new(StringComparer.Ordinal);
    private RuntimeAvailability? _probe;

    /// <inheritdoc />
    public string Name => "seatbelt";

    /// <inheritdoc />
    public SandboxTier Tier => SandboxTier.Seatbelt;

    /// <summary>Where profiles live: in the state directory, which no sandbox can read or write.</summary>
    private string ProfileDirectory => Path.Combine(paths.SeatbeltDirectory, ".profiles");

    /// <summary>
    /// Says clearly when sandbox-exec failed because the server itself already runs in a Seatbelt sandbox (an
    /// agent's), which cannot be nested; null for other failures.
    /// </summary>
    public static string? ExplainNested(int exitCode, string stderr) =>
        exitCode == NestedExitCode && stderr.Contains("sandbox_apply", StringComparison.Ordinal)
            ? "the server itself runs inside a Seatbelt sandbox (sandbox_apply: Operation not permitted, exit 71), and Seatbelt sandboxes cannot be nested: start sandbox-mcp outside the agent's sandbox, or use tier \"vm\" or \"native\""
            : null;

    /// <inheritdoc />
    public async ValueTask<RuntimeAvailability> ProbeAsync(CancellationToken cancellationToken)
    {
        if (_probe is { } cached)
        {
            return cached;
        }

        if (!OperatingSystem.IsMacOS())
        {
            return _probe = RuntimeAvailability.Unavailable("Seatbelt (sandbox-exec) is the seatbelt tier on macOS only (Linux uses bubblewrap)");
        }

        if (!File.Exists(SeatbeltProfile.SandboxExec))
        {
            return _probe = RuntimeAvailability.Unavailable($"{SeatbeltProfile.SandboxExec} is missing: it ships with macOS; use tier \"vm\" or \"native\"");
        }

        var output = await runner.RunAsync(SeatbeltProfile.SandboxExec, ["-p", "(version 1)(allow default)", "/usr/bin/true"], new Dictionary<string, string>(), null, cancellationToken);
        return _probe = output.Succeeded
            ? RuntimeAvailability.Available("sandbox-exec (Seatbelt)")
            : RuntimeAvailability.Unavailable(ExplainNested(output.ExitCode, output.Stderr) ?? $"sandbox-exec failed (exit {output.ExitCode}): {output.Stderr.Trim()}");
    }

    /// <inheritdoc />
    public async Task<RuntimeHandle> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var availability = await ProbeAsync(cancellationToken);
        if (!availability.IsAvailable)
        {
            throw new SandboxException($"The seatbelt tier cannot be used: {availability.Detail}.");
        }

        var directory = Path.Combine(paths.SeatbeltDirectory, spec.Name);
        var ctlSocket = spec.CtlDirectory is null ? null : Path.Combine(spec.CtlDirectory, "ctl.sock");
        var policy = PolicyBuilder.ForThisMachine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
            .Build(spec, directory, HostSandboxes.TempOf(directory), paths.StateDirectory, ctlSocket);
        HostSandboxes.CreateLayout(directory);
        Directory.CreateDirectory(ProfileDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(ProfileFile(directory), SeatbeltProfile.From(policy).Text, cancellationToken);
        var scratch = HostSandboxes.ScratchOf(directory);
        var properties = HostSandboxes.LimitProperties(spec);
        properties[PolicyProperty.Key] = PolicyProperty.Serialize(policy);
        if (ctlSocket is not null)
        {
            // Host processes reach the host socket directly; the profile allows connecting to it.
            properties[RuntimeHandle.CtlSocketProperty] = ctlSocket;
            properties[RuntimeHandle.CtlClientProperty] = Path.Combine(scratch, "bin", "sandbox-ctl");
        }

        return new RuntimeHandle(Name, directory, directory, scratch, properties);
    }

    /// <inheritdoc />
    public async Task DestroyAsync(RuntimeHandle handle, DestroyScope scope, CancellationToken cancellationToken)
    {
        if (_sessions.TryRemove(handle.Id, out var sessions))
        {
            foreach (var session in sessions.Keys)
            {
                Signals.KillGroup(session);
            }
        }

        await StopProxyAsync(handle);
        File.Delete(ProfileFile(handle.Id));

        HostSandboxes.DeleteTree(handle.Id);
    }

    /// <inheritdoc />
    public Task<SandboxPresence> InspectAsync(RuntimeHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(handle.WorkDir) && File.Exists(ProfileFile(handle.Id)) ? SandboxPresence.Running : SandboxPresence.Missing);

    /// <inheritdoc />
    public Task<ISandboxProcess> StartProcessAsync(RuntimeHandle handle, ProcessSpec process, CancellationToken cancellationToken)
    {
        var policy = PolicyProperty.Read(handle);
        var (profile, profileFile, variables) = policy.UsesProxy
            ? WithProxy(handle, policy, process.Env)
            : (SeatbeltProfile.From(policy), ProfileFile(handle.Id), process.Env);
        var environment = HostSandboxes.CleanEnvironment(handle, policy.TempDirectory, variables);
        List<string> command = ["/bin/sh", "-c", HostSandboxes.LimitsWrapper(handle), "sh", .. process.Argv];
        var argv = profile.Argv(profileFile, command);
        var setsid = HostSandboxes.SetsidPath;
        if (setsid is not null)
        {
            argv = [setsid, .. argv];
        }

        var started = HostSandboxes.Start(argv, environment, process.WorkingDirectory ?? handle.WorkDir, "sandbox-exec");
        _sessions.GetOrAdd(handle.Id, _ => new ConcurrentDictionary<int, bool>())[started.LocalId] = true;
        return Task.FromResult<ISandboxProcess>(started);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RuntimeHandle>> ListOwnedAsync(CancellationToken cancellationToken) =>
        Task.FromResult(HostSandboxes.ListDirectories(Name, paths.SeatbeltDirectory));

    /// <inheritdoc />
    public IsolationInfo Describe(RuntimeHandle handle, SandboxSpec spec)
    {
        var policy = handle.Properties?.ContainsKey(PolicyProperty.Key) == true ? PolicyProperty.Read(handle) : null;
        return new IsolationInfo(
            "sandbox-exec (Seatbelt)",
            "OS sandbox (Seatbelt, deny-default profile): the system read-only, its own directory writable, credentials and the rest of the host denied; host processes of the same user remain visible to ps; shares the host kernel",
            [$"open files {spec.OpenFiles} per process (ulimit)", "memory not enforced", "process count not enforced", "cpus not enforced"],
            policy switch
            {
                { NetworkAllowed: true } => "host network (full access, as the profile asks)",
                { UsesProxy: true } => AllowlistNetwork(handle, policy),
                _ => "none: no IP networking (loopback on macOS is the host's, so it is closed too)",
            },
            policy?.Summary());
    }

    /// <inheritdoc />
    public Task<ResourceUsage> UsageAsync(RuntimeHandle handle, SandboxSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult(new ResourceUsage(null, null, spec.MemoryBytes, null));

    /// <inheritdoc />
    public Task<string?> ExplainExitAsync(RuntimeHandle handle, SandboxSpec spec, int exitCode, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    private string ProfileFile(string directory) => Path.Combine(ProfileDirectory, Path.GetFileName(directory) + ".sb");
}
