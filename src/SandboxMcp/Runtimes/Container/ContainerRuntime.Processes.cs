using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Shell;

namespace SandboxMcp.Runtimes.Container;

public sealed partial class ContainerRuntime
{
    /// <summary>
    /// Variables the engine client itself depends on. A sandbox may set them too, so they travel on the command
    /// line (<c>-e KEY=VALUE</c>) instead of through the client's environment; none of them is a secret.
    /// </summary>
    private static readonly string[] ClientVariablePrefixes =
        ["PATH", "HOME", "TMPDIR", "USER", "LOGNAME", "SHELL", "LANG", "LC_", "TERM", "XDG_", "DOCKER_", "CONTAINER", "REGISTRY_", "LD_", "DBUS_", "TZ"];

    /// <inheritdoc />
    /// <remarks>
    /// In a sandbox with a network allowlist its forwarder listens before the process starts, and the process gets the
    /// proxy variables (on each exec, not on the container, so a snapshot image of it carries none).
    /// </remarks>
    public async Task<ISandboxProcess> StartProcessAsync(RuntimeHandle handle, ProcessSpec process, CancellationToken cancellationToken)
    {
        var hosts = AllowedHostsOf(handle);
        if (hosts is not null)
        {
            await EnsureForwarderAsync(handle, hosts, cancellationToken);
        }

        // After the forwarder: the baseline's own exec comes back here and must find it started, not start another.
        if (_oomKills.TryAdd(handle.Id, -1))
        {
            _ = RecordOomBaselineAsync(handle);
        }

        return StartExec(handle, process, withProxy: hosts is not null);
    }

    /// <summary>Starts a process in the container through the engine's <c>exec</c>.</summary>
    private LocalProcess StartExec(RuntimeHandle handle, ProcessSpec process, bool withProxy = false)
    {
        var passed = new List<string>();
        var inline = new Dictionary<string, string>(StringComparer.Ordinal);
        if (withProxy)
        {
            // Not secrets, so on the command line; the process's own values (below) win.
            foreach (var (key, value) in Network.ProxyEnvironment.For(ProxyBridge.Port).Where(v => process.Env?.ContainsKey(v.Key) != true))
            {
                inline[key] = value;
            }
        }

        var clientEnvironment = ServerEnvironment();
        foreach (var (key, value) in _cli.Environment)
        {
            clientEnvironment[key] = value;
        }

        foreach (var (key, value) in process.Env ?? new Dictionary<string, string>())
        {
            if (ClientVariablePrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                inline[key] = value;
            }
            else
            {
                // Secrets stay off the command line: `-e KEY` takes the value from the client's environment.
                passed.Add(key);
                clientEnvironment[key] = value;
            }
        }

        var argv = new List<string> { _cli.Program };
        argv.AddRange(_cli.Exec(handle.Id, process.WorkingDirectory, passed, inline, process.Argv));
        try
        {
            return LocalProcess.Start(argv, clientEnvironment, null, ownsProcessGroup: false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SandboxException($"{_cli.Program} could not be started ({ex.Message}): {_cli.InstallHint}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<string?> ExplainExitAsync(RuntimeHandle handle, SandboxSpec spec, int exitCode, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (exitCode != 137)
        {
            return null;
        }

        // The kernel counts OOM kills per cgroup; a rise since we last looked means the limit killed the command.
        var count = await ReadOomKillCountAsync(handle, cancellationToken);
        var previous = Math.Max(0, _oomKills.GetValueOrDefault(handle.Id));
        if (count is not { } kills || kills <= previous)
        {
            return null;
        }

        _oomKills[handle.Id] = kills;
        return $"out of memory: limit {ByteSize.Format(spec.MemoryBytes)}; the kernel killed the largest process in the sandbox (create it with more memory, or use less)";
    }

    /// <inheritdoc />
    public async Task<ResourceUsage> UsageAsync(RuntimeHandle handle, SandboxSpec spec, CancellationToken cancellationToken)
    {
        var output = await RunCheckedAsync(_cli.Stats(handle.Id), $"read the stats of {handle.Id}", cancellationToken);
        var stats = _cli.ParseStats(output);
        // Engines print sizes rounded (podman: "536.9MB"), so the limit we set is the precise one, unless the engine
        // reports a clearly lower one (a host with less memory than the limit).
        var limit = stats?.MemoryLimitBytes is { } reported && reported < spec.MemoryBytes * 0.98 ? reported : spec.MemoryBytes;
        return new ResourceUsage(stats?.CpuPercent, stats?.MemoryBytes, limit, stats?.Pids);
    }

    /// <summary>Runs a helper process in the sandbox to its end (capped output).</summary>
    internal Task<ProcessOutput> ExecAsync(RuntimeHandle handle, IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
        new BoundLauncher(this, handle).RunAsync(new ProcessSpec(argv), ReadOnlyMemory<byte>.Empty, 64 * 1024, cancellationToken);

    /// <summary>Runs a helper process in the sandbox and throws, saying <paramref name="what"/> failed, unless it exits 0.</summary>
    internal async Task<ProcessOutput> ExecCheckedAsync(RuntimeHandle handle, IReadOnlyList<string> argv, string what, CancellationToken cancellationToken)
    {
        var output = await ExecAsync(handle, argv, cancellationToken);
        return output.ExitCode == 0
            ? output
            : throw new SandboxException($"Could not {what} in {handle.Id} (exit {output.ExitCode}): {output.ErrorText}");
    }

    /// <summary>Runs a helper process in the sandbox and streams its stdout into a host file (archives).</summary>
    private async Task ExportAsync(RuntimeHandle handle, IReadOnlyList<string> argv, string file, string what, CancellationToken cancellationToken)
    {
        await using var process = await StartProcessAsync(handle, new ProcessSpec(argv), cancellationToken);
        await process.StandardInput.DisposeAsync();
        var stderr = new CappedOutput(8192);
        var readErr = ProcessRunner.DrainAsync(process.StandardError, stderr, cancellationToken);
        await using (var target = File.Create(file))
        {
            await process.StandardOutput.CopyToAsync(target, cancellationToken);
        }

        await readErr;
        var exitCode = await process.WaitForExitAsync(cancellationToken);
        if (exitCode != 0)
        {
            throw new SandboxException($"Could not {what} in {handle.Id} (exit {exitCode}): {stderr.Decode().Trim()}");
        }
    }

    private async Task<long?> ReadOomKillCountAsync(RuntimeHandle handle, CancellationToken cancellationToken)
    {
        const string script = "cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null";
        var output = await ExecAsync(handle, ["sh", "-c", script], cancellationToken);
        foreach (var line in output.Stdout.Decode().Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == "oom_kill" && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }
        }

        return null;
    }

    /// <summary>
    /// Learns the OOM-kill count of a container this server did not create (attached after a restart or from
    /// another server), so a later 137 is only blamed on memory when the count rose.
    /// </summary>
    private async Task RecordOomBaselineAsync(RuntimeHandle handle)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (await ReadOomKillCountAsync(handle, cts.Token) is { } count)
            {
                _oomKills.AddOrUpdate(handle.Id, count, (_, known) => known < 0 ? count : known);
            }
        }
#pragma warning disable CA1031 // Best effort: without a baseline, a 137 is simply not explained.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogBaselineFailed(ex, handle.Id);
        }
    }

    private static Dictionary<string, string> ServerEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return environment;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the OOM-kill count of {Container}")]
    private partial void LogBaselineFailed(Exception exception, string container);

    /// <summary>This runtime bound to one handle, for <see cref="ProcessRunner"/>; <paramref name="Raw"/> skips the allowlist's forwarder (checks on it).</summary>
    private sealed record BoundLauncher(ContainerRuntime Runtime, RuntimeHandle Handle, bool Raw = false) : IProcessLauncher
    {
        public Task<ISandboxProcess> StartAsync(ProcessSpec process, CancellationToken cancellationToken) =>
            Raw ? Task.FromResult<ISandboxProcess>(Runtime.StartExec(Handle, process)) : Runtime.StartProcessAsync(Handle, process, cancellationToken);
    }
}
