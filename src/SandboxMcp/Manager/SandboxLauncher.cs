using SandboxMcp.Runtimes;

namespace SandboxMcp.Manager;

/// <summary>A runtime bound to one sandbox: every process gets the sandbox's environment under its own.</summary>
internal sealed class SandboxLauncher(ISandboxRuntime runtime, RuntimeHandle handle, Func<IReadOnlyDictionary<string, string>> environment) : IProcessLauncher
{
    public Task<ISandboxProcess> StartAsync(ProcessSpec process, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<string, string>(environment(), StringComparer.Ordinal);
        foreach (var (key, value) in process.Env ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return runtime.StartProcessAsync(handle, process with { Env = merged }, cancellationToken);
    }
}
