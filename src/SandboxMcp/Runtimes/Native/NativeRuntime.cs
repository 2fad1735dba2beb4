using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Configuration;

namespace SandboxMcp.Runtimes.Native;

/// <summary>
/// The <c>native</c> tier: each sandbox is a directory under the state dir, used as HOME and working directory;
/// its processes run on the host in their own sessions with a clean environment, an open-files limit and the
/// <see cref="NativeWatchdog"/> for memory and process count. Not a security boundary.
/// </summary>
public sealed partial class NativeRuntime(ServerPaths paths, NativeWatchdog watchdog, ILogger<NativeRuntime> logger) : ISandboxRuntime
{
    /// <summary>Environment variable that tags every process of a native sandbox with its directory.</summary>
    public const string SandboxIdVariable = "SANDBOX_MCP_ID";

    private const string StandardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static readonly string? SetsidPath = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <inheritdoc />
    public string Name => "native";

    /// <inheritdoc />
    public SandboxTier Tier => SandboxTier.Native;

    /// <inheritdoc />
    public ValueTask<RuntimeAvailability> ProbeAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(RuntimeAvailability.Available(SetsidPath is null ? "host processes" : "host processes in their own sessions"));

    /// <inheritdoc />
    public Task<RuntimeHandle> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Network == NetworkMode.None)
        {
            throw new SandboxException("The native tier runs host processes and cannot switch the network off: use tier \"seatbelt\" or \"vm\" for network \"none\".");
        }

        var directory = Path.Combine(paths.SandboxesDirectory, spec.Name);
        var scratch = Path.Combine(directory, ".sandbox-mcp");
        foreach (var dir in new[] { directory, scratch, Path.Combine(directory, ".tmp") })
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var properties = new Dictionary<string, string>
        {
            ["memoryBytes"] = spec.MemoryBytes.ToString(CultureInfo.InvariantCulture),
            ["pids"] = spec.Pids.ToString(CultureInfo.InvariantCulture),
            ["openFiles"] = spec.OpenFiles.ToString(CultureInfo.InvariantCulture),
        };
        if (spec.CtlDirectory is not null)
        {
            // Host processes reach the host socket directly.
            properties[RuntimeHandle.CtlSocketProperty] = Path.Combine(spec.CtlDirectory, "ctl.sock");
            properties[RuntimeHandle.CtlClientProperty] = Path.Combine(scratch, "bin", "sandbox-ctl");
        }

        return Task.FromResult(new RuntimeHandle(Name, directory, directory, scratch, properties));
    }

    /// <inheritdoc />
    public Task DestroyAsync(RuntimeHandle handle, DestroyScope scope, CancellationToken cancellationToken)
    {
        KillAll(handle);
        watchdog.Forget(handle.Id);
        if (Directory.Exists(handle.Id))
        {
            DeleteTree(handle.Id);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SandboxPresence> InspectAsync(RuntimeHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(handle.WorkDir) ? SandboxPresence.Running : SandboxPresence.Missing);

    /// <inheritdoc />
    public Task<ISandboxProcess> StartProcessAsync(RuntimeHandle handle, ProcessSpec process, CancellationToken cancellationToken)
    {
        var openFiles = Property(handle, "openFiles", 4096);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The sandbox's own bin (sandbox-ctl lives there) comes first.
            ["PATH"] = Path.Combine(handle.ScratchDir, "bin") + ":" + StandardPath,
            ["HOME"] = handle.WorkDir,
            ["LANG"] = "C.UTF-8",
            ["TERM"] = "dumb",
            ["SHELL"] = "/bin/sh",
            ["TMPDIR"] = Path.Combine(handle.WorkDir, ".tmp"),
            ["USER"] = Environment.UserName,
            ["LOGNAME"] = Environment.UserName,
        };
        foreach (var (key, value) in process.Env ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        environment[SandboxIdVariable] = handle.Id;

        // The limits are numbers from configuration; user text only ever follows as "$@".
        var wrapper = $"ulimit -n {openFiles.ToString(CultureInfo.InvariantCulture)} 2>/dev/null; ulimit -c 0 2>/dev/null; exec \"$@\"";
        List<string> argv = SetsidPath is null ? ["/bin/sh", "-c", wrapper, "sh"] : [SetsidPath, "/bin/sh", "-c", wrapper, "sh"];
        argv.AddRange(process.Argv);
        var workingDirectory = process.WorkingDirectory ?? handle.WorkDir;
        if (!Directory.Exists(workingDirectory))
        {
            throw new SandboxException($"The working directory '{workingDirectory}' does not exist in the sandbox: create it first or use another.");
        }

        LocalProcess started;
        try
        {
            started = LocalProcess.Start(argv, environment, workingDirectory, ownsProcessGroup: SetsidPath is not null);
        }
        catch (Win32Exception ex)
        {
            throw new SandboxException($"Could not start a process in the native sandbox: {ex.Message}", ex);
        }

        if (SetsidPath is not null)
        {
            watchdog.Track(handle.Id, started.LocalId, Property(handle, "memoryBytes", 1L << 30), Property(handle, "pids", 1024));
        }

        return Task.FromResult<ISandboxProcess>(started);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RuntimeHandle>> ListOwnedAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RuntimeHandle>>(
            Directory.Exists(paths.SandboxesDirectory)
                ? [.. Directory.EnumerateDirectories(paths.SandboxesDirectory).Select(d => new RuntimeHandle(Name, d, d, Path.Combine(d, ".sandbox-mcp")))]
                : []);

    /// <inheritdoc />
    public IsolationInfo Describe(RuntimeHandle handle, SandboxSpec spec)
    {
        var watched = ProcFs.IsAvailable && SetsidPath is not null;
        var limits = new List<string>
        {
            $"open files {spec.OpenFiles} per process (ulimit)",
            watched ? $"memory {ByteSize.Format(spec.MemoryBytes)} (RSS watchdog)" : "memory not enforced (no /proc)",
            watched ? $"{spec.Pids} processes (watchdog)" : "process count not enforced",
            "cpus not enforced",
        };
        return new IsolationInfo(
            "native (host processes)",
            "none: host processes with a clean environment and resource limits; the file system, network and other processes of the host are reachable",
            limits,
            "host network (not isolated)");
    }

    /// <inheritdoc />
    public Task<ResourceUsage> UsageAsync(RuntimeHandle handle, SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (!ProcFs.IsAvailable)
        {
            return Task.FromResult(new ResourceUsage(null, null, spec.MemoryBytes, null));
        }

        var (rss, processes) = watchdog.Sample(handle.Id);
        return Task.FromResult(new ResourceUsage(null, rss, spec.MemoryBytes, processes));
    }

    /// <inheritdoc />
    public Task<string?> ExplainExitAsync(RuntimeHandle handle, SandboxSpec spec, int exitCode, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(exitCode is 137 or 124 ? watchdog.LastKillSince(handle.Id, since)?.Reason : null);

    /// <summary>Kills every process of the sandbox: the sessions we started and anything tagged with its id.</summary>
    private void KillAll(RuntimeHandle handle)
    {
        foreach (var session in watchdog.SessionsOf(handle.Id))
        {
            Signals.KillGroup(session);
        }

        if (!ProcFs.IsAvailable)
        {
            return;
        }

        var tag = $"{SandboxIdVariable}={handle.Id}";
        foreach (var process in ProcFs.ListProcesses())
        {
            if (process.Pid != Environment.ProcessId && ProcFs.EnvironmentContains(process.Pid, tag))
            {
                Signals.Kill(process.Pid);
            }
        }
    }

    private void DeleteTree(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            // A command made something read-only (chmod -w); give the owner write access back and retry.
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Prepend(directory))
            {
                if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
                {
                    File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            Directory.Delete(directory, recursive: true);
        }
        catch (IOException ex)
        {
            LogDeleteFailed(ex, directory);
            throw new SandboxException($"Could not remove the sandbox directory {directory}: {ex.Message}", ex);
        }
    }

    private static long Property(RuntimeHandle handle, string key, long fallback) =>
        handle.Properties?.GetValueOrDefault(key) is { } text && long.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static int Property(RuntimeHandle handle, string key, int fallback) =>
        (int)Property(handle, key, (long)fallback);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove native sandbox directory {Directory}")]
    private partial void LogDeleteFailed(Exception exception, string directory);
}
