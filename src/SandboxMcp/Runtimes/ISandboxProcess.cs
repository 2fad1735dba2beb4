namespace SandboxMcp.Runtimes;

/// <summary>A process started in a sandbox, seen from the host: three pipes, an exit code and a kill switch.</summary>
public interface ISandboxProcess : IAsyncDisposable
{
    /// <summary>Process id of the local end (the process itself on native; the engine client otherwise).</summary>
    int LocalId { get; }

    /// <summary>Writes to the process's stdin; dispose it to send EOF.</summary>
    Stream StandardInput { get; }

    /// <summary>The process's stdout.</summary>
    Stream StandardOutput { get; }

    /// <summary>The process's stderr.</summary>
    Stream StandardError { get; }

    /// <summary>True once the local end has exited.</summary>
    bool HasExited { get; }

    /// <summary>Waits for the local end to exit and returns its exit code.</summary>
    Task<int> WaitForExitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Kills the local end and everything it started on the host. Inside a container this does not reach
    /// the command: use a second process in the sandbox for that.
    /// </summary>
    void Kill();
}
