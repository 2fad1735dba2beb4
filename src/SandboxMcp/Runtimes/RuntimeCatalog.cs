using SandboxMcp.Common;
using SandboxMcp.Configuration;

namespace SandboxMcp.Runtimes;

/// <summary>All runtimes this build knows, and the choice among them: by tier, by engine, or the strongest available.</summary>
public sealed class RuntimeCatalog(IEnumerable<ISandboxRuntime> runtimes, SandboxMcpOptions options)
{
    /// <summary>Engines in the order <c>engine: auto</c> tries them.</summary>
    private static readonly string[] EnginePreference = ["apple", "podman", "docker"];

    private readonly IReadOnlyList<ISandboxRuntime> _runtimes = [.. runtimes];

    /// <summary>Every registered runtime.</summary>
    public IReadOnlyList<ISandboxRuntime> All => _runtimes;

    /// <summary>The runtime that created a handle, for reconnecting; null when this build has none of that name.</summary>
    public ISandboxRuntime? ByName(string name) => _runtimes.FirstOrDefault(r => r.Name == name);

    /// <summary>
    /// The runtime for <paramref name="tier"/>, or for the strongest available tier when null. Throws a
    /// <see cref="SandboxException"/> that says why each candidate cannot be used and how to fix it.
    /// </summary>
    /// <remarks>
    /// When the tier is chosen automatically, a candidate must be able to create <paramref name="spec"/> (its image
    /// present, say), so a machine with podman but no base image falls back to the next tier instead of failing.
    /// </remarks>
    public async Task<ISandboxRuntime> ResolveAsync(SandboxTier? tier, SandboxSpec? spec, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var candidate in Candidates(tier))
        {
            var availability = tier is null && spec is not null
                ? await candidate.CanCreateAsync(spec with { Tier = candidate.Tier }, cancellationToken)
                : await candidate.ProbeAsync(cancellationToken);
            if (availability.IsAvailable)
            {
                return candidate;
            }

            reasons.Add($"{candidate.Name}: {availability.Detail}");
        }

        var wanted = tier is { } t ? $"tier \"{t.ToName()}\"" : "any tier";
        var why = reasons.Count == 0 ? "this build has no runtime for it" : string.Join("; ", reasons);
        throw new SandboxException($"No runtime available for {wanted}: {why}.");
    }

    /// <summary>
    /// Why a sandbox whose tier was chosen automatically did not get a stronger one: what each stronger runtime
    /// lacks for <paramref name="spec"/> (engine, image), or that one could be used now. Null when
    /// <paramref name="chosen"/> is the strongest tier.
    /// </summary>
    public async Task<string?> ExplainWeakerTierAsync(SandboxTier chosen, SandboxSpec spec, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var tier in new[] { SandboxTier.Vm, SandboxTier.Seatbelt }.Where(t => t > chosen))
        {
            foreach (var candidate in Candidates(tier))
            {
                var availability = await candidate.CanCreateAsync(spec with { Tier = tier }, cancellationToken);
                if (availability.IsAvailable)
                {
                    return $"tier {tier.ToName()} ({candidate.Name}) can be used now: destroy this sandbox and its next use creates it there";
                }

                reasons.Add($"{candidate.Name}: {availability.Detail}");
            }
        }

        return reasons.Count == 0 ? null : $"tier {chosen.ToName()} was chosen because stronger tiers cannot be used: {string.Join("; ", reasons)}";
    }

    /// <summary>Availability of every runtime, for <c>status</c> and start-up logs.</summary>
    public async Task<IReadOnlyList<(ISandboxRuntime Runtime, RuntimeAvailability Availability)>> ProbeAllAsync(CancellationToken cancellationToken)
    {
        var results = new List<(ISandboxRuntime, RuntimeAvailability)>();
        foreach (var runtime in _runtimes)
        {
            results.Add((runtime, await runtime.ProbeAsync(cancellationToken)));
        }

        return results;
    }

    private IEnumerable<ISandboxRuntime> Candidates(SandboxTier? tier)
    {
        var tiers = tier is { } t ? [t] : new[] { SandboxTier.Vm, SandboxTier.Seatbelt, SandboxTier.Native };
        foreach (var wanted in tiers)
        {
            var ofTier = _runtimes.Where(r => r.Tier == wanted);
            if (wanted == SandboxTier.Vm)
            {
                ofTier = options.Engine == "auto"
                    ? ofTier.OrderBy(r => Array.IndexOf(EnginePreference, r.Name) is var i and >= 0 ? i : int.MaxValue)
                    : ofTier.Where(r => r.Name == options.Engine);
            }

            foreach (var runtime in ofTier)
            {
                yield return runtime;
            }
        }
    }
}
