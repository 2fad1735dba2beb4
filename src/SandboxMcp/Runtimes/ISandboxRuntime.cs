namespace SandboxMcp.Runtimes;

/// <summary>
/// One tier on one engine. Everything above it (shell, files, ports, background processes) is built on
/// <see cref="StartProcessAsync"/>, so a new engine is one implementation of this interface.
/// </summary>
public interface ISandboxRuntime
{
    /// <summary>Stable name kept in state.json: <c>native</c>, <c>bwrap</c>, <c>seatbelt</c>, <c>podman</c>, <c>docker</c>, <c>apple</c>.</summary>
    string Name { get; }

    /// <summary>The tier this runtime provides.</summary>
    SandboxTier Tier { get; }

    /// <summary>Whether the runtime can be used on this machine; cheap after the first call.</summary>
    ValueTask<RuntimeAvailability> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether this runtime can create <paramref name="spec"/> now (engine up, image present). Used to pick the
    /// strongest tier that will work; an explicitly chosen tier goes straight to <see cref="CreateAsync"/>, whose
    /// error then says what is missing.
    /// </summary>
    ValueTask<RuntimeAvailability> CanCreateAsync(SandboxSpec spec, CancellationToken cancellationToken) => ProbeAsync(cancellationToken);

    /// <summary>Creates the sandbox, or adopts an existing one of the same name created by this state dir.</summary>
    Task<RuntimeHandle> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the sandbox and every process in it; with <see cref="DestroyScope.KeepCaches"/> (reset) package
    /// caches survive for the next sandbox of the same name. Removing a missing sandbox is not an error.
    /// </summary>
    Task DestroyAsync(RuntimeHandle handle, DestroyScope scope, CancellationToken cancellationToken);

    /// <summary>Looks whether the sandbox still exists and runs.</summary>
    Task<SandboxPresence> InspectAsync(RuntimeHandle handle, CancellationToken cancellationToken);

    /// <summary>Starts a process inside the sandbox with stdin, stdout and stderr as pipes.</summary>
    Task<ISandboxProcess> StartProcessAsync(RuntimeHandle handle, ProcessSpec process, CancellationToken cancellationToken);

    /// <summary>
    /// The sandbox's own address on a network the host routes to (a container's bridge address), so a forwarded
    /// connection can go there without a process inside; null when there is none. The caller still checks that
    /// the host reaches it (rootless engines hand out addresses the host cannot route to).
    /// </summary>
    Task<System.Net.IPAddress?> NetworkAddressAsync(RuntimeHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult<System.Net.IPAddress?>(null);

    /// <summary>
    /// Every sandbox this runtime holds for this state directory (containers by label, directories), so start-up
    /// can remove the ones state.json does not know. Never lists sandboxes of other owners.
    /// </summary>
    Task<IReadOnlyList<RuntimeHandle>> ListOwnedAsync(CancellationToken cancellationToken);

    /// <summary>Says what isolation and limits are really in force for this sandbox.</summary>
    IsolationInfo Describe(RuntimeHandle handle, SandboxSpec spec);

    /// <summary>CPU, memory and process use now, as far as the runtime can measure them.</summary>
    Task<ResourceUsage> UsageAsync(RuntimeHandle handle, SandboxSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Explains an exit code when the runtime knows more, e.g. <c>out of memory: limit 128m</c> for a 137
    /// caused by the memory limit. Null when there is nothing to add.
    /// </summary>
    Task<string?> ExplainExitAsync(RuntimeHandle handle, SandboxSpec spec, int exitCode, DateTimeOffset since, CancellationToken cancellationToken);
}
