using System.Globalization;
using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Native;

/// <summary>
/// What the tiers that run host processes (native, bubblewrap, Seatbelt) share: the directory layout of a
/// sandbox, its clean environment, the limits wrapper, and killing and removing what belongs to it.
/// </summary>
internal static class HostSandboxes
{
    /// <summary>Environment variable that tags every process of a host sandbox with its directory.</summary>
    public const string SandboxIdVariable = "SANDBOX_MCP_ID";

    /// <summary>PATH of every process, after the sandbox's own bin.</summary>
    public const string StandardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary><c>setsid</c>, when this machine has it.</summary>
    public static readonly string? SetsidPath = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>The server's own files inside a sandbox directory (shell state, sandbox-ctl client).</summary>
    public static string ScratchOf(string directory) => Path.Combine(directory, ".sandbox-mcp");

    /// <summary>The temporary directory inside a sandbox directory.</summary>
    public static string TempOf(string directory) => Path.Combine(directory, ".tmp");

    /// <summary>Creates a sandbox directory with its scratch and temporary directories, private to the user.</summary>
    public static void CreateLayout(string directory)
    {
        foreach (var dir in new[] { directory, ScratchOf(directory), TempOf(directory) })
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The limits every host sandbox records in its handle.</summary>
    public static Dictionary<string, string> LimitProperties(SandboxSpec spec) => new(StringComparer.Ordinal)
    {
        ["memoryBytes"] = spec.MemoryBytes.ToString(CultureInfo.InvariantCulture),
        ["pids"] = spec.Pids.ToString(CultureInfo.InvariantCulture),
        ["openFiles"] = spec.OpenFiles.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The clean environment of a process: a standard PATH behind the sandbox's own bin, HOME, a temporary
    /// directory, then the process's variables, then the id tag. Nothing of the server's environment.
    /// </summary>
    public static Dictionary<string, string> CleanEnvironment(RuntimeHandle handle, string tempDirectory, IReadOnlyDictionary<string, string>? variables)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The sandbox's own bin (sandbox-ctl lives there) comes first.
            ["PATH"] = Path.Combine(handle.ScratchDir, "bin") + ":" + StandardPath,
            ["HOME"] = handle.WorkDir,
            ["LANG"] = "C.UTF-8",
            ["TERM"] = "dumb",
            ["SHELL"] = "/bin/sh",
            ["TMPDIR"] = tempDirectory,
            ["USER"] = Environment.UserName,
            ["LOGNAME"] = Environment.UserName,
        };
        foreach (var (key, value) in variables ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        environment[SandboxIdVariable] = handle.Id;
        return environment;
    }

    /// <summary>
    /// <c>sh -c</c> text that applies the open-files limit and no core dumps, then runs <c>"$@"</c>. The limit is a
    /// number from configuration; user text only ever follows as arguments.
    /// </summary>
    public static string LimitsWrapper(RuntimeHandle handle) =>
        $"ulimit -n {Property(handle, "openFiles", 4096).ToString(CultureInfo.InvariantCulture)} 2>/dev/null; ulimit -c 0 2>/dev/null; exec \"$@\"";

    /// <summary>
    /// Starts a host process of a sandbox with exactly <paramref name="environment"/>, in its own session when
    /// <paramref name="argv"/> begins with <see cref="SetsidPath"/>; a missing working directory or program is a
    /// <see cref="SandboxException"/> that says which.
    /// </summary>
    public static LocalProcess Start(IReadOnlyList<string> argv, Dictionary<string, string> environment, string workingDirectory, string what)
    {
        if (!Directory.Exists(workingDirectory))
        {
            throw new SandboxException($"The working directory '{workingDirectory}' does not exist in the sandbox: create it first or use another.");
        }

        try
        {
            return LocalProcess.Start(argv, environment, workingDirectory, ownsProcessGroup: SetsidPath is not null && argv[0] == SetsidPath);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SandboxException($"Could not start {what}: {ex.Message}", ex);
        }
    }

    /// <summary>Limits as <c>status</c> states them for a sandbox watched by the <see cref="NativeWatchdog"/>.</summary>
    public static List<string> WatchedLimits(SandboxSpec spec)
    {
        var watched = ProcFs.IsAvailable && SetsidPath is not null;
        return
        [
            $"open files {spec.OpenFiles} per process (ulimit)",
            watched ? $"memory {ByteSize.Format(spec.MemoryBytes)} (RSS watchdog)" : "memory not enforced (no /proc)",
            watched ? $"{spec.Pids} processes (watchdog)" : "process count not enforced",
            "cpus not enforced",
        ];
    }

    /// <summary>Starts watching a new session of the sandbox for its memory and process limits.</summary>
    public static void Watch(NativeWatchdog watchdog, RuntimeHandle handle, int session) =>
        watchdog.Track(handle.Id, session, Property(handle, "memoryBytes", 1L << 30), (int)Property(handle, "pids", 1024));

    /// <summary>Kills every process of the sandbox: the sessions started for it and anything tagged with its id.</summary>
    public static void KillAll(NativeWatchdog watchdog, string sandboxId)
    {
        foreach (var session in watchdog.SessionsOf(sandboxId))
        {
            Signals.KillGroup(session);
        }

        if (!ProcFs.IsAvailable)
        {
            return;
        }

        var tag = $"{SandboxIdVariable}={sandboxId}";
        foreach (var process in ProcFs.ListProcesses())
        {
            if (process.Pid != Environment.ProcessId && ProcFs.EnvironmentContains(process.Pid, tag))
            {
                Signals.Kill(process.Pid);
            }
        }
    }

    /// <summary>Removes a sandbox directory, even one whose commands made parts of it read-only.</summary>
    public static void DeleteTree(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

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
            throw new SandboxException($"Could not remove the sandbox directory {directory}: {ex.Message}", ex);
        }
    }

    /// <summary>Handles for every sandbox directory under <paramref name="parent"/>.</summary>
    public static IReadOnlyList<RuntimeHandle> ListDirectories(string runtime, string parent) =>
        Directory.Exists(parent)
            ? [.. Directory.EnumerateDirectories(parent).Where(d => !Path.GetFileName(d).StartsWith('.')).Select(d => new RuntimeHandle(runtime, d, d, ScratchOf(d)))]
            : [];

    /// <summary>A number kept in the handle's properties.</summary>
    public static long Property(RuntimeHandle handle, string key, long fallback) =>
        handle.Properties?.GetValueOrDefault(key) is { } text && long.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
