using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SandboxMcp.Children;
using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Manager;

/// <summary>
/// Name → sandbox. Creates sandboxes on first use from their profile, shares them with other server processes
/// through state.json, recreates one whose container or directory vanished, and reaps idle ones.
/// </summary>
public sealed partial class SandboxManager(
    SandboxMcpOptions options,
    RuntimeCatalog catalog,
    SpecResolver specs,
    StateStore state,
    HistoryLog history,
    SandboxCtlServer ctl,
    ILoggerFactory loggers,
    TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Sandbox> _sandboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _nameLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _dropNotes = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger = loggers.CreateLogger<SandboxManager>();
    private int _disposed;

    /// <summary>The configuration in force.</summary>
    public SandboxMcpOptions Options => options;

    /// <summary>The runtimes.</summary>
    public RuntimeCatalog Catalog => catalog;

    /// <summary>
    /// Runs <paramref name="action"/> on the sandbox <paramref name="name"/>, creating it from its profile on first
    /// use. If the sandbox turns out to be gone (container removed, directory deleted), it is recreated once and
    /// the action retried; the result carries a note saying so.
    /// </summary>
    public Task<T> UseAsync<T>(string name, Func<Sandbox, Task<T>> action, CancellationToken cancellationToken) =>
        UseAsync(name, create: true, action, cancellationToken);

    /// <summary>Like <see cref="UseAsync{T}(string, Func{Sandbox, Task{T}}, CancellationToken)"/>, but a sandbox that does not exist is an error, not created.</summary>
    public Task<T> UseExistingAsync<T>(string name, Func<Sandbox, Task<T>> action, CancellationToken cancellationToken) =>
        UseAsync(name, create: false, action, cancellationToken);

    private async Task<T> UseAsync<T>(string name, bool create, Func<Sandbox, Task<T>> action, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(name);
        for (var attempt = 0; ; attempt++)
        {
            var sandbox = await GetOrCreateAsync(name, SandboxRequest.FromProfile, cancellationToken, create);
            sandbox.BeginUse();
            try
            {
                return await action(sandbox);
            }
            catch (SandboxGoneException ex) when (attempt == 0)
            {
                LogSandboxGone(name, ex.Message);
                await RecreateAsync(sandbox, ex.Message, cancellationToken);
            }
            finally
            {
                sandbox.EndUse();
            }
        }
    }

    /// <summary>Marks a sandbox as used now (its children are working for it), so the idle sweep leaves it.</summary>
    public void Touch(string name)
    {
        if (_sandboxes.TryGetValue(name, out var sandbox))
        {
            sandbox.BeginUse();
            sandbox.EndUse();
        }
    }

    /// <summary>Runs <paramref name="action"/> on the sandbox <paramref name="name"/>.</summary>
    public Task UseAsync(string name, Func<Sandbox, Task> action, CancellationToken cancellationToken) =>
        UseAsync(name, async sandbox =>
        {
            await action(sandbox);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Creates <paramref name="name"/> as <paramref name="request"/> asks, or returns it when it exists with
    /// matching settings. Returns whether this call created it.
    /// </summary>
    public async Task<(Sandbox Sandbox, bool Created)> CreateAsync(string name, SandboxRequest request, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(name);
        var resolved = specs.Resolve(name, request);
        var existed = _sandboxes.ContainsKey(name) || (await state.ReadAsync(cancellationToken)).Sandboxes.ContainsKey(name);
        var sandbox = await GetOrCreateAsync(name, request, cancellationToken);
        if (existed)
        {
            EnsureMatches(sandbox, request, resolved);
        }

        return (sandbox, !existed);
    }

    private async Task<Sandbox> GetOrCreateAsync(string name, SandboxRequest request, CancellationToken cancellationToken, bool create = true)
    {
        if (_sandboxes.TryGetValue(name, out var cached))
        {
            return cached;
        }

        return await ExclusiveAsync(name, async () =>
        {
            if (_sandboxes.TryGetValue(name, out var existing))
            {
                return existing;
            }

            var resolved = specs.Resolve(name, request);
            var created = false;
            var record = await state.UpdateAsync(async document =>
            {
                if (document.Sandboxes.TryGetValue(name, out var known))
                {
                    // Another server process (or an earlier run of this one) owns it: attach, never overwrite.
                    return known;
                }

                if (!create)
                {
                    throw new SandboxException($"There is no sandbox named '{name}' (it was destroyed, or its TTL ended).");
                }

                var fresh = await CreateRecordAsync(name, resolved, cancellationToken);
                document.Sandboxes[name] = fresh;
                created = true;
                return fresh;
            }, cancellationToken);

            if (created)
            {
                await PrepareAsync(catalog.ByName(record.Handle.Runtime)!, record.Handle, record.Spec, cancellationToken);
            }

            var sandbox = Attach(record);
            if (created)
            {
                sandbox.Audit("create", $"{record.Spec.Tier.ToName()} on {record.Handle.Runtime}", record.CreatedAt, null, null);
                LogCreated(name, record.Handle.Runtime, record.Handle.Id);
            }

            if (_dropNotes.TryRemove(name, out var note))
            {
                sandbox.AddPendingNote(note);
            }

            _sandboxes[name] = sandbox;
            return sandbox;
        }, cancellationToken);
    }

    private async Task<SandboxRecord> CreateRecordAsync(string name, ResolvedRequest resolved, CancellationToken cancellationToken)
    {
        var runtime = await catalog.ResolveAsync(resolved.RequestedTier, resolved.Spec, cancellationToken);
        var spec = resolved.Spec with
        {
            Tier = runtime.Tier,
            CtlDirectory = options.SpawnPolicies.ContainsKey(name) ? ctl.DirectoryFor(name) : null,
        };
        var handle = await runtime.CreateAsync(spec, cancellationToken);
        var now = time.GetUtcNow();
        return new SandboxRecord
        {
            Name = name,
            Spec = spec with { Env = new Dictionary<string, string>() },
            Handle = handle,
            CreatedAt = now,
            LastUsedAt = now,
        };
    }

    private Sandbox Attach(SandboxRecord record)
    {
        var runtime = catalog.ByName(record.Handle.Runtime)
            ?? throw new SandboxException($"Sandbox '{record.Name}' was created by the '{record.Handle.Runtime}' runtime, which this server does not have: destroy it, or use a sandbox-mcp that has it.");
        var spec = record.Spec with { Env = specs.Environment(record.Name) };
        return new Sandbox(record, spec, runtime, options, history, loggers, time) { LastPersistedUseAt = record.LastUsedAt };
    }

    private Task<bool> RecreateAsync(Sandbox gone, string note, CancellationToken cancellationToken) =>
        ExclusiveAsync(gone.Name, async () =>
        {
            if (!_sandboxes.TryGetValue(gone.Name, out var current) || current != gone)
            {
                return false;
            }

            _sandboxes.TryRemove(gone.Name, out _);
            await gone.DisposeAsync();
            var spec = gone.Spec;
            var handle = await gone.Runtime.CreateAsync(spec, cancellationToken);
            await PrepareAsync(gone.Runtime, handle, spec, cancellationToken);
            var now = time.GetUtcNow();
            var record = new SandboxRecord
            {
                Name = gone.Name,
                Spec = spec with { Env = new Dictionary<string, string>() },
                Handle = handle,
                Env = new Dictionary<string, string>(gone.ToolEnv, StringComparer.Ordinal),
                CreatedAt = now,
                LastUsedAt = now,
            };
            await state.UpdateAsync(document => document.Sandboxes[gone.Name] = record, cancellationToken);
            var sandbox = Attach(record);
            sandbox.AddPendingNote(note);
            sandbox.Audit("recreate", note, now, null, null);
            _sandboxes[gone.Name] = sandbox;
            return true;
        }, cancellationToken);

    private static void EnsureMatches(Sandbox sandbox, SandboxRequest request, ResolvedRequest resolved)
    {
        var spec = sandbox.Spec;
        var conflicts = new List<string>();
        if (resolved.RequestedTier is { } tier && request.Tier is not null && tier != spec.Tier)
        {
            conflicts.Add($"tier {spec.Tier.ToName()}");
        }

        if (request.Image is not null && spec.Tier == SandboxTier.Vm && request.Image != spec.Image)
        {
            conflicts.Add($"image {spec.Image}");
        }

        if (request.Cpus is not null && Math.Abs(resolved.Spec.Cpus - spec.Cpus) > 1e-9)
        {
            conflicts.Add($"cpus {spec.Cpus}");
        }

        if (request.Memory is not null && resolved.Spec.MemoryBytes != spec.MemoryBytes)
        {
            conflicts.Add($"memory {ByteSize.Format(spec.MemoryBytes)}");
        }

        if (request.Network is not null && resolved.Spec.Network != spec.Network && !(spec.Network == NetworkMode.Unspecified && spec.Tier != SandboxTier.Seatbelt && resolved.Spec.Network == NetworkMode.Default))
        {
            conflicts.Add(spec.Network == NetworkMode.Unspecified ? $"its tier's default network ({(spec.Tier == SandboxTier.Seatbelt ? "none" : "default")})" : $"network {spec.Network.ToString().ToLowerInvariant()}");
        }

        if (conflicts.Count > 0)
        {
            throw new SandboxException(
                $"Sandbox '{sandbox.Name}' already exists with {string.Join(", ", conflicts)}: destroy it first, or create one under another name.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _ready.TrySetCanceled();
        foreach (var sandbox in _sandboxes.Values)
        {
            await sandbox.DisposeAsync();
        }

        _sandboxes.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created sandbox {Name} on {Runtime} ({Id})")]
    private partial void LogCreated(string name, string runtime, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox {Name} is gone ({Reason}); recreating it")]
    private partial void LogSandboxGone(string name, string reason);
}
