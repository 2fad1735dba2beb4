using Microsoft.Extensions.Logging;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Background;

/// <summary>
/// A supervised background process of one sandbox: its runs, restart policy, memory watchdog, health check and
/// the ring buffer of its output. Runs never touch the persistent shell, so <c>exec</c> is never held up by them.
/// </summary>
public sealed partial class BackgroundProcess : IAsyncDisposable
{
    private readonly IProcessLauncher _launcher;
    private readonly string _statePath;
    private readonly BackgroundOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private volatile BackgroundRun? _current;
    private volatile RunOutcome? _lastOutcome;
    private volatile RunOutcome? _final;
    private volatile bool _stopping;
    private volatile string? _health;
    private int _restarts;
    private int _pid;
    private long _memoryKb = -1;
    private DateTimeOffset _startedAt;
    private Task _loop = Task.CompletedTask;

    internal BackgroundProcess(string id, BackgroundRequest request, string workDir, IProcessLauncher launcher, string statePath, BackgroundOptions options, ILogger logger, TimeProvider time)
    {
        Id = id;
        Request = request;
        WorkDir = workDir;
        _launcher = launcher;
        _statePath = statePath;
        _options = options;
        _logger = logger;
        _time = time;
        Logs = new LogRing(options.LogCapacityBytes);
    }

    /// <summary>Its id, <c>bg-</c> and six hex digits.</summary>
    public string Id { get; }

    /// <summary>What was asked for.</summary>
    public BackgroundRequest Request { get; }

    /// <summary>The directory it runs in.</summary>
    public string WorkDir { get; }

    /// <summary>Its recent output.</summary>
    public LogRing Logs { get; }

    /// <summary>How often it was started again.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Pid of the current (or last) run inside the sandbox.</summary>
    public int Pid => Volatile.Read(ref _pid);

    /// <summary>True once it ended for good (stopped, or its policy does not restart it).</summary>
    public bool HasEnded => _final is not null;

    /// <summary>"running", "restarting", "exited", "stopped" or "failed".</summary>
    public string State => _final switch
    {
        { Reason: ExitReason.Stopped } => "stopped",
        { Reason: ExitReason.StartFailed } => "failed",
        not null => "exited",
        _ => _current is null ? "restarting" : "running",
    };

    /// <summary>Starts the first run (errors if it cannot start) and then supervises it in the background.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = await LaunchAsync(cancellationToken);
        _loop = SuperviseAsync(first);
    }

    /// <summary>
    /// Ends it for good: <paramref name="signal"/> to its process group and descendants inside the sandbox, KILL
    /// after <paramref name="grace"/>; a pending restart is cancelled. Returns once it has ended.
    /// </summary>
    public async Task StopAsync(string signal, TimeSpan grace, CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_current is { HasExited: false } run && run.MarkKilled(ExitReason.Stopped))
        {
            Logs.Note($"stopping: {signal} to its process group, KILL after {grace.TotalSeconds:0.#} s");
            await KillFamilyAsync(run.Pid, signal, grace, cancellationToken);
        }

        try
        {
            await _stop.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Disposed with its sandbox meanwhile: the loop has ended.
        }

        try
        {
            await _loop.WaitAsync(grace + TimeSpan.FromSeconds(15), _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The sandbox did not answer the kill: end the local side, which ends the loop.
            if (_current is { } stuck)
            {
                await stuck.DisposeAsync();
            }

            await _loop;
        }
    }

    /// <summary>A snapshot for tools.</summary>
    public BackgroundInfo Describe()
    {
        var running = _current is not null && _final is null;
        var memory = Volatile.Read(ref _memoryKb);
        var last = _lastOutcome;
        return new BackgroundInfo(
            Id,
            Request.Command,
            Pid,
            State,
            Restarts,
            running ? Math.Round((_time.GetUtcNow() - _startedAt).TotalSeconds, 1) : null,
            Request.Restart.ToName(),
            WorkDir,
            _startedAt,
            Request.MaxMemoryMb,
            memory < 0 ? null : Math.Round(memory / 1024.0, 1),
            Request.Health is null ? null : _health,
            Request.Health?.Describe(),
            last?.ExitCode,
            last?.Describe());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync("KILL", TimeSpan.Zero, CancellationToken.None);
        }
#pragma warning disable CA1031 // Disposal (sandbox destroyed, server shutting down) goes on with the next process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStopFailed(ex, Id);
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The supervisor of background process {Id} failed")]
    private partial void LogSupervisorFailed(Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not stop background process {Id}")]
    private partial void LogStopFailed(Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not kill the process group of {Pid} inside the sandbox")]
    private partial void LogKillFailed(Exception exception, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Background process {Id} started: pid {Pid}")]
    private partial void LogStarted(string id, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Background process {Id}: {What}")]
    private partial void LogEvent(string id, string what);
}
