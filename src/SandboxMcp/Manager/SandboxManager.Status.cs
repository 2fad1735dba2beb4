using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>Status of a sandbox without creating it: what it is, or what it would be on first use.</summary>
    public async Task<SandboxStatus> StatusAsync(string name, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(name);
        await _ready.Task.WaitAsync(cancellationToken);
        var runtimes = (await catalog.ProbeAllAsync(cancellationToken))
            .Select(p => new RuntimeStatus(p.Runtime.Name, p.Runtime.Tier.ToName(), p.Availability.IsAvailable, p.Availability.Detail))
            .ToList();
        var document = await state.ReadAsync(cancellationToken);
        var record = document.Sandboxes.GetValueOrDefault(name);
        if (record is null)
        {
            var resolved = specs.Resolve(name, SandboxRequest.FromProfile);
            string runtimeName;
            try
            {
                runtimeName = (await catalog.ResolveAsync(resolved.RequestedTier, resolved.Spec, cancellationToken)).Name;
            }
            catch (SandboxException ex)
            {
                runtimeName = ex.Message;
            }

            var tier = resolved.RequestedTier?.ToName() ?? catalog.ByName(runtimeName)?.Tier.ToName() ?? "auto";
            var note = resolved.RequestedTier is null && catalog.ByName(runtimeName) is { } chosen
                ? await catalog.ExplainWeakerTierAsync(chosen.Tier, resolved.Spec, cancellationToken)
                : null;
            return new SandboxStatus(name, false, tier, runtimeName, null, null, [], null, null, null, null, null, null, null, null, [], runtimes, note);
        }

        _sandboxes.TryGetValue(name, out var local);
        var sandbox = local ?? Attach(record);
        var isolation = sandbox.Describe();
        var lastUsed = local is not null && local.LastUsedAt > record.LastUsedAt ? local.LastUsedAt : record.LastUsedAt;
        var status = new SandboxStatus(
            name,
            true,
            record.Spec.Tier.ToName(),
            record.Handle.Runtime,
            isolation.Engine,
            isolation.Isolation,
            isolation.Limits,
            isolation.Network,
            record.Spec.Tier == SandboxTier.Vm ? record.Spec.Image : null,
            record.Handle.WorkDir,
            local?.WorkingDirectory,
            local?.Shell.ShellPid,
            record.CreatedAt,
            lastUsed,
            options.IdleTtlSeconds > 0 ? lastUsed.AddSeconds(options.IdleTtlSeconds) : null,
            [.. record.Env.Keys.Order(StringComparer.Ordinal)],
            runtimes,
            specs.Resolve(name, SandboxRequest.FromProfile).RequestedTier is null
                ? await catalog.ExplainWeakerTierAsync(record.Spec.Tier, record.Spec, cancellationToken)
                : null,
            record.Spec.Parent,
            record.Spec.CtlDirectory is null ? null : PolicyOf(name, document)?.ToString(),
            isolation.Policy,
            local?.Background.List(),
            local?.Syncs.List());
        if (local is null)
        {
            await sandbox.DisposeAsync();
        }

        return status;
    }
}
