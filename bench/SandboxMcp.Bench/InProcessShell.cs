using Microsoft.Extensions.Logging.Abstractions;
using SandboxMcp.Configuration;
using SandboxMcp.Runtimes;
using SandboxMcp.Runtimes.Native;
using SandboxMcp.Shell;

namespace SandboxMcp.Bench;

/// <summary>The persistent shell on the native runtime without MCP: what the shell protocol itself costs.</summary>
public static class InProcessShell
{
    public static async Task<Stats> MeasureAsync(TimeSpan warmup, int calls, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("sbx-bench-shell-").FullName;
        var paths = new ServerPaths(Path.Combine(root, "config.json"), root);
        await using var watchdog = new NativeWatchdog(NullLogger<NativeWatchdog>.Instance, TimeProvider.System);
        var runtime = new NativeRuntime(paths, watchdog);
        var handle = await runtime.CreateAsync(new SandboxSpec { Name = "bench", Tier = SandboxTier.Native }, cancellationToken);
        await using var shell = new PersistentShell(
            new Launcher(runtime, handle),
            new ShellOptions { StatePath = handle.ScratchDir + "/shell.env", WorkDir = handle.WorkDir },
            NullLogger<PersistentShell>.Instance,
            TimeProvider.System);
        var timeout = TimeSpan.FromSeconds(30);
        var stats = await Timing.MeasureAsync("PersistentShell.RunAsync in-process (no MCP)", warmup, calls, () => shell.RunAsync("echo hi", null, timeout, cancellationToken));
        await runtime.DestroyAsync(handle, DestroyScope.Everything, cancellationToken);
        return stats;
    }

    private sealed class Launcher(ISandboxRuntime runtime, RuntimeHandle handle) : IProcessLauncher
    {
        public Task<ISandboxProcess> StartAsync(ProcessSpec process, CancellationToken cancellationToken) => runtime.StartProcessAsync(handle, process, cancellationToken);
    }
}
