using System.Collections;
using System.Globalization;
using SandboxMcp.Common;

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
    public Task<ISandboxProcess> StartProcessAsync(RuntimeHandle handle, ProcessSpec process, CancellationToken cancellationToken)
    {
        var passed = new List<string>();
        var inline = new Dictionary<string, string>(StringComparer.Ordinal);
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
            return Task.FromResult<ISandboxProcess>(LocalProcess.Start(argv, clientEnvironment, null, ownsProcessGroup: false));
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
        var previous = _oomKills.GetValueOrDefault(handle.Id);
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
        return new ResourceUsage(stats?.CpuPercent, stats?.MemoryBytes, stats?.MemoryLimitBytes ?? spec.MemoryBytes, stats?.Pids);
    }

    private async Task<long?> ReadOomKillCountAsync(RuntimeHandle handle, CancellationToken cancellationToken)
    {
        const string script = "cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null";
        await using var process = await StartProcessAsync(handle, new ProcessSpec(["sh", "-c", script]), cancellationToken);
        await process.StandardInput.DisposeAsync();
        using var reader = new StreamReader(process.StandardOutput);
        var text = await reader.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == "oom_kill" && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }
        }

        return null;
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
}
