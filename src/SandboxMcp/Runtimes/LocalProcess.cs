using System.Diagnostics;

namespace SandboxMcp.Runtimes;

/// <summary>An <see cref="ISandboxProcess"/> backed by a host process (the command itself, or an engine client).</summary>
public sealed class LocalProcess : ISandboxProcess
{
    private readonly Process _process;
    private readonly bool _ownsProcessGroup;
    private int _disposed;

    private LocalProcess(Process process, bool ownsProcessGroup)
    {
        _process = process;
        _ownsProcessGroup = ownsProcessGroup;
        LocalId = process.Id;
    }

    /// <inheritdoc />
    public int LocalId { get; }

    /// <inheritdoc />
    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <inheritdoc />
    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <inheritdoc />
    public Stream StandardError => _process.StandardError.BaseStream;

    /// <inheritdoc />
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="argv"/> with exactly <paramref name="environment"/> (nothing inherited) and all three
    /// streams redirected. <paramref name="ownsProcessGroup"/> says the program makes itself a session leader
    /// (through <c>setsid</c>), so <see cref="Kill"/> can signal the whole group.
    /// </summary>
    public static LocalProcess Start(
        IReadOnlyList<string> argv,
        IReadOnlyDictionary<string, string> environment,
        string? workingDirectory,
        bool ownsProcessGroup)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        for (var i = 1; i < argv.Count; i++)
        {
            info.ArgumentList.Add(argv[i]);
        }

        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {argv[0]}.");
        return new LocalProcess(process, ownsProcessGroup);
    }

    /// <inheritdoc />
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Kill()
    {
        try
        {
            if (_ownsProcessGroup)
            {
                // The group outlives its leader: kill it even when the leader has already exited.
                _ = Signals.KillGroup(LocalId);
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Kill();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // A process that ignores SIGKILL (uninterruptible I/O) must not hold up shutdown.
        }

        _process.Dispose();
    }
}
