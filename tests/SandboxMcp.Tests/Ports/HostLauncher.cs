using SandboxMcp.Runtimes;

namespace SandboxMcp.Tests.Ports;

/// <summary>Starts "sandbox" processes as plain host processes: the mux's python3 script runs for real, on this machine.</summary>
/// <param name="replace">Runs this argv instead of the one asked for (a misbehaving "sandbox side"), when given.</param>
internal sealed class HostLauncher(IReadOnlyList<string>? replace = null) : IProcessLauncher
{
    private int _started;

    /// <summary>Processes started so far.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>The last one started.</summary>
    public ISandboxProcess? Last { get; private set; }

    public Task<ISandboxProcess> StartAsync(ProcessSpec process, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        };
        var started = LocalProcess.Start(replace ?? process.Argv, environment, null, ownsProcessGroup: false);
        Last = started;
        Interlocked.Increment(ref _started);
        return Task.FromResult<ISandboxProcess>(started);
    }
}
