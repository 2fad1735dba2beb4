namespace SandboxMcp.Runtimes;

/// <summary>A runtime bound to one sandbox handle, with no environment added: for the runtime's own helpers.</summary>
public sealed class RuntimeLauncher(ISandboxRuntime runtime, RuntimeHandle handle) : IProcessLauncher
{
    /// <inheritdoc />
    public Task<ISandboxProcess> StartAsync(ProcessSpec process, CancellationToken cancellationToken) =>
        runtime.StartProcessAsync(handle, process, cancellationToken);
}
