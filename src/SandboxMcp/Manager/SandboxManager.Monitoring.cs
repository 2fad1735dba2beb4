using SandboxMcp.Monitoring;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(20);

    /// <summary>CPU, memory, processes and disk of one sandbox now.</summary>
    public Task<SandboxStats> StatsAsync(string name, CancellationToken cancellationToken) =>
        UseAsync(name, async sandbox =>
        {
            var usage = sandbox.Runtime.UsageAsync(sandbox.Handle, sandbox.Spec, cancellationToken);
            var disk = DiskProbe.MeasureAsync(sandbox.Launcher, sandbox.Handle.WorkDir, cancellationToken);
            var (u, d) = (await usage, await disk);
            var spec = sandbox.Spec;
            return new SandboxStats(name, spec.Tier.ToName(), sandbox.Runtime.Name, u.CpuPercent, spec.Cpus, u.MemoryBytes, u.MemoryLimitBytes ?? spec.MemoryBytes, u.Pids, spec.Pids, d);
        }, cancellationToken);

    /// <summary>
    /// Liveness, memory and disk of every sandbox of this state directory, checked in parallel. Nothing is created
    /// or started: a stopped sandbox is reported as such (its next use starts it).
    /// </summary>
    public async Task<HealthReport> HealthAsync(CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        var records = (await state.ReadAsync(cancellationToken)).Sandboxes.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var checks = await Task.WhenAll(records.Select(r => CheckAsync(r, cancellationToken)));
        return new HealthReport(checks.All(c => c.State == "running"), checks);
    }

    private async Task<SandboxHealth> CheckAsync(SandboxRecord record, CancellationToken cancellationToken)
    {
        var attached = _sandboxes.ContainsKey(record.Name);
        SandboxHealth Report(string stateName, string? detail, ResourceUsage? usage = null, DiskUsage? disk = null) =>
            new(record.Name, record.Spec.Tier.ToName(), record.Handle.Runtime, stateName, detail, usage?.MemoryBytes, usage?.MemoryLimitBytes ?? record.Spec.MemoryBytes, disk, attached);

        if (catalog.ByName(record.Handle.Runtime) is not { } runtime)
        {
            return Report("unknown", $"this server has no '{record.Handle.Runtime}' runtime");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(HealthCheckTimeout);
        try
        {
            var availability = await runtime.ProbeAsync(cts.Token);
            if (!availability.IsAvailable)
            {
                return Report("unknown", $"{runtime.Name} is not available: {availability.Detail}");
            }

            switch (await runtime.InspectAsync(record.Handle, cts.Token))
            {
                case SandboxPresence.Missing:
                    return Report("missing", "its container or directory is gone; the next use recreates it from its profile");
                case SandboxPresence.Stopped:
                    return Report("stopped", "the next use starts it again");
            }

            var launcher = new SandboxLauncher(runtime, record.Handle, () => specs.Environment(record.Name));
            var usage = runtime.UsageAsync(record.Handle, record.Spec, cts.Token);
            var disk = DiskProbe.MeasureAsync(launcher, record.Handle.WorkDir, cts.Token);
            return Report("running", null, await usage, await disk);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Report("unknown", $"no answer within {HealthCheckTimeout.TotalSeconds:0} s");
        }
        catch (Common.SandboxException ex)
        {
            return Report("unknown", ex.Message);
        }
    }
}
