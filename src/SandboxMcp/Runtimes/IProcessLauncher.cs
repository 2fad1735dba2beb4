namespace SandboxMcp.Runtimes;

/// <summary>Starts processes in one sandbox: a runtime bound to a handle.</summary>
public interface IProcessLauncher
{
    /// <summary>Starts a process in the sandbox with all three streams as pipes.</summary>
    Task<ISandboxProcess> StartAsync(ProcessSpec process, CancellationToken cancellationToken);
}
