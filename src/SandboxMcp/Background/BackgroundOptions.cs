namespace SandboxMcp.Background;

/// <summary>Limits and timings of background processes.</summary>
public sealed class BackgroundOptions
{
    /// <summary>Output kept per process. <value>1 MiB by default.</value></summary>
    public int LogCapacityBytes { get; init; } = 1024 * 1024;

    /// <summary>Time a start may take until the pid is known. <value>30 s by default.</value></summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time between the signal of <c>kill</c> (or a failed health check) and SIGKILL. <value>3 s by default.</value></summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Processes kept per sandbox, running or ended (ended ones are forgotten first). <value>32 by default.</value></summary>
    public int MaxPerSandbox { get; init; } = 32;

    /// <summary>Makes the backoff of one process.</summary>
    public Func<RestartBackoff> Backoff { get; init; } = () => new RestartBackoff();
}
