using Microsoft.Extensions.Logging;
using SandboxMcp.Background;
using SandboxMcp.Configuration;
using SandboxMcp.Ports;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;
using SandboxMcp.State;
using SandboxMcp.Transfer;
using SandboxMcp.Transfer.Sync;

namespace SandboxMcp.Manager;

/// <summary>
/// One environment: its runtime handle, persistent shell, environment variables and audit trail. All work on a
/// sandbox goes through here so that it is audited the same way whichever tool or client asked for it.
/// </summary>
public sealed class Sandbox : IAsyncDisposable
{
    private readonly SandboxMcpOptions _options;
    private readonly HistoryLog _history;
    private readonly TimeProvider _time;
    private readonly Lock _envLock = new();
    private Dictionary<string, string> _toolEnv;
    private int _activeOperations;
    private string? _pendingNote;
    private readonly string? _ctlSocket;

    internal Sandbox(SandboxRecord record, SandboxSpec spec, ISandboxRuntime runtime, SandboxMcpOptions options, HistoryLog history, ILoggerFactory loggers, TimeProvider time)
    {
        Name = record.Name;
        Spec = spec;
        Handle = record.Handle;
        Runtime = runtime;
        CreatedAt = record.CreatedAt;
        _options = options;
        _history = history;
        _time = time;
        _toolEnv = new Dictionary<string, string>(record.Env, StringComparer.Ordinal);
        _ctlSocket = Handle.Properties?.GetValueOrDefault(RuntimeHandle.CtlSocketProperty);
        Launcher = new SandboxLauncher(runtime, Handle, Environment);
        var statePath = Handle.ScratchDir + "/shell.env";
        Shell = new PersistentShell(
            Launcher,
            new ShellOptions
            {
                StatePath = statePath,
                WorkDir = Handle.WorkDir,
                MaxOutputBytes = options.MaxOutputBytes,
            },
            loggers.CreateLogger<PersistentShell>(),
            time);
        Background = new BackgroundProcesses(Launcher, statePath, new BackgroundOptions(), loggers, time);
        Ports = new SandboxPorts(Name, Launcher, runtime.Tier == SandboxTier.Native, ct => runtime.NetworkAddressAsync(Handle, ct), new SandboxUse(BeginUse, EndUse), loggers, time);
        LastUsedAt = time.GetUtcNow();
    }

    /// <summary>The sandbox name.</summary>
    public string Name { get; }

    /// <summary>How it was made, with the profile's environment.</summary>
    public SandboxSpec Spec { get; }

    /// <summary>The runtime's handle.</summary>
    public RuntimeHandle Handle { get; }

    /// <summary>The runtime it lives in.</summary>
    public ISandboxRuntime Runtime { get; }

    /// <summary>Starts processes in this sandbox with its environment.</summary>
    public IProcessLauncher Launcher { get; }

    /// <summary>The persistent shell.</summary>
    public PersistentShell Shell { get; }

    /// <summary>Its background processes (started by this server; they see the shell's exported variables).</summary>
    public BackgroundProcesses Background { get; }

    /// <summary>Host directories mirrored into this sandbox; they stop with it.</summary>
    public SandboxSyncs Syncs { get; } = new();

    /// <summary>Its port forwards; they end when the sandbox is disposed.</summary>
    public SandboxPorts Ports { get; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When this server last used it.</summary>
    public DateTimeOffset LastUsedAt { get; private set; }

    /// <summary>When this server last wrote its use to state.json.</summary>
    internal DateTimeOffset LastPersistedUseAt { get; set; }

    /// <summary>Operations in flight; a busy sandbox is never reaped.</summary>
    public bool IsBusy => Volatile.Read(ref _activeOperations) > 0;

    /// <summary>The directory relative paths resolve against: the shell's, or the sandbox's work dir.</summary>
    public string WorkingDirectory => Shell.WorkingDirectory ?? Handle.WorkDir;

    /// <summary>Variables set with the <c>env</c> tool.</summary>
    public IReadOnlyDictionary<string, string> ToolEnv
    {
        get
        {
            lock (_envLock)
            {
                return new Dictionary<string, string>(_toolEnv, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Runs a command in the persistent shell and audits it.</summary>
    public async Task<CommandResult> ExecAsync(string command, string? workDir, TimeSpan timeout, string tool, string summary, CancellationToken cancellationToken)
    {
        var since = _time.GetUtcNow();
        ShellResult result;
        try
        {
            result = await Shell.RunAsync(command, workDir, timeout, cancellationToken);
        }
        catch (ShellStartException ex)
        {
            await ThrowIfGoneAsync(ex, cancellationToken);
            Audit(tool, summary, since, null, ex.Message);
            throw;
        }

        var notes = new List<string>();
        if (Interlocked.Exchange(ref _pendingNote, null) is { } pending)
        {
            notes.Add(pending);
        }

        if (result.ExitCode != 0 && await Runtime.ExplainExitAsync(Handle, Spec, result.ExitCode, since, cancellationToken) is { } explanation)
        {
            notes.Add(explanation);
        }

        if (result.TimedOut)
        {
            notes.Add($"timed out after {timeout.TotalSeconds:0.###} s: the command and everything it started were killed; the sandbox is ready for the next command");
        }
        else if (result.ShellExited)
        {
            notes.Add("the command ended the shell; the next command starts a fresh shell with the same working directory and exported variables");
        }

        Audit(tool, summary, since, result.ExitCode, null, (long)result.Duration.TotalMilliseconds);
        return new CommandResult(
            result.ExitCode,
            result.Stdout,
            result.Stderr,
            (long)result.Duration.TotalMilliseconds,
            result.TimedOut,
            result.StdoutDroppedBytes,
            result.StderrDroppedBytes,
            result.WorkingDirectory,
            notes.Count == 0 ? null : string.Join("; ", notes));
    }

    /// <summary>Writes a file and audits it.</summary>
    public async Task WriteFileAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var since = _time.GetUtcNow();
        try
        {
            await SandboxFiles.WriteAsync(Launcher, path, content, WorkingDirectory, cancellationToken);
            Audit("write_file", $"{path} ({SandboxFiles.Bytes(content.Length)})", since, 0, null);
        }
        catch (Common.SandboxException ex)
        {
            await ThrowIfGoneAsync(ex, cancellationToken);
            Audit("write_file", path, since, null, ex.Message);
            throw;
        }
    }

    /// <summary>Reads a slice of a text file.</summary>
    public async Task<FileReadResult> ReadFileAsync(string path, long offset, long? limit, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await SandboxFiles.ReadAsync(Launcher, path, offset, limit, maxBytes, WorkingDirectory, cancellationToken);
        }
        catch (Common.SandboxException ex)
        {
            await ThrowIfGoneAsync(ex, cancellationToken);
            throw;
        }
    }

    /// <summary>Sets (or with a null value, unsets) a variable for the shell and every later process.</summary>
    internal async Task ApplyEnvAsync(string key, string? value, CancellationToken cancellationToken)
    {
        lock (_envLock)
        {
            if (value is null)
            {
                _toolEnv.Remove(key);
            }
            else
            {
                _toolEnv[key] = value;
            }
        }

        var command = value is null ? $"unset {key}" : $"export {key}={ShellQuoting.Quote(value)}";
        var result = await ExecAsync(command, null, TimeSpan.FromSeconds(30), "env", value is null ? $"unset {key}" : $"set {key}", cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new Common.SandboxException($"Could not {(value is null ? "unset" : "set")} {key}: {result.Stderr.Trim()}");
        }
    }

    /// <summary>Records an operation in the audit history.</summary>
    public void Audit(string tool, string summary, DateTimeOffset since, int? exitCode, string? error, long? durationMs = null) =>
        _history.Append(Name, new HistoryEntry(since, tool, summary, exitCode, durationMs ?? (long)(_time.GetUtcNow() - since).TotalMilliseconds, error));

    /// <summary>What really isolates this sandbox.</summary>
    public IsolationInfo Describe() => Runtime.Describe(Handle, Spec);

    /// <summary>Attaches a note to the next command result (e.g. that the sandbox was recreated).</summary>
    internal void AddPendingNote(string note) => _pendingNote = note;

    internal void BeginUse()
    {
        Interlocked.Increment(ref _activeOperations);
        LastUsedAt = _time.GetUtcNow();
    }

    internal void EndUse()
    {
        LastUsedAt = _time.GetUtcNow();
        Interlocked.Decrement(ref _activeOperations);
    }

    private IReadOnlyDictionary<string, string> Environment()
    {
        lock (_envLock)
        {
            if (_toolEnv.Count == 0 && _ctlSocket is null)
            {
                return Spec.Env;
            }

            var merged = new Dictionary<string, string>(Spec.Env, StringComparer.Ordinal);
            if (_ctlSocket is not null)
            {
                merged["SANDBOX_CTL_SOCKET"] = _ctlSocket;
            }

            foreach (var (key, value) in _toolEnv)
            {
                merged[key] = value;
            }

            return merged;
        }
    }

    internal async Task ThrowIfGoneAsync(Exception failure, CancellationToken cancellationToken)
    {
        switch (await Runtime.InspectAsync(Handle, cancellationToken))
        {
            case SandboxPresence.Missing:
                throw new SandboxGoneException("the sandbox was gone (its container or directory had been removed); it was recreated from its profile, so files and processes from before are lost", failure);
            case SandboxPresence.Stopped:
                throw new SandboxGoneException("the sandbox had stopped; it was started again with its files (processes from before are gone)", failure);
        }
    }

    /// <summary>Ends its forwards, syncs, background processes and shell.</summary>
    public async ValueTask DisposeAsync()
    {
        await Ports.DisposeAsync();
        await Syncs.DisposeAsync();
        await Background.DisposeAsync();
        await Shell.DisposeAsync();
    }
}
