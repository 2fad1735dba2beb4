using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Liveness, memory and disk of every sandbox, checked in parallel; never throws for one sick sandbox.</summary>
    public async Task<IReadOnlyList<SandboxHealth>> HealthAsync(CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        var records = (await state.ReadAsync(cancellationToken)).Sandboxes.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        return await Task.WhenAll(records.Select(async record =>
        {
            var tier = record.Spec.Tier.ToName();
            var runtime = catalog.ByName(record.Handle.Runtime);
            if (runtime is null || !(await runtime.ProbeAsync(cancellationToken)).IsAvailable)
            {
                return new SandboxHealth(record.Name, tier, record.Handle.Runtime, "unknown", false, null, $"the {record.Handle.Runtime} runtime is not available");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HealthCheckTimeout);
            try
            {
                var presence = await runtime.InspectAsync(record.Handle, timeout.Token);
                if (presence != SandboxPresence.Running)
                {
                    return new SandboxHealth(record.Name, tier, runtime.Name, presence.ToString().ToLowerInvariant(), false, null, null);
                }

                var sandbox = _sandboxes.TryGetValue(record.Name, out var local) ? local : Attach(record);
                try
                {
                    var stats = await sandbox.StatsAsync(timeout.Token);
                    return new SandboxHealth(record.Name, tier, runtime.Name, "running", true, stats, null);
                }
                finally
                {
                    if (local is null)
                    {
                        await sandbox.DisposeAsync();
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new SandboxHealth(record.Name, tier, runtime.Name, "unresponsive", false, null, $"no answer within {HealthCheckTimeout.TotalSeconds:0} s");
            }
            catch (SandboxException ex)
            {
                return new SandboxHealth(record.Name, tier, runtime.Name, "error", false, null, ex.Message);
            }
        }));
    }

    /// <summary>Builds an image on the vm tier's engine.</summary>
    public async Task BuildImageAsync(string containerfile, string tag, string contextDirectory, IProgress<string>? progress, CancellationToken cancellationToken) =>
        await (await ImagesAsync(cancellationToken)).BuildImageAsync(containerfile, tag, contextDirectory, progress, cancellationToken);

    /// <summary>Images of the vm tier's engine.</summary>
    public async Task<(string Engine, IReadOnlyList<Runtimes.Container.ImageInfo> Images)> ListImagesAsync(CancellationToken cancellationToken)
    {
        var images = await ImagesAsync(cancellationToken);
        return (((ISandboxRuntime)images).Name, await images.ListImagesAsync(cancellationToken));
    }

    private async Task<IImageRuntime> ImagesAsync(CancellationToken cancellationToken) =>
        await catalog.ResolveAsync(SandboxTier.Vm, null, cancellationToken) as IImageRuntime
            ?? throw new SandboxException("The vm tier's engine cannot build or list images.");
}
