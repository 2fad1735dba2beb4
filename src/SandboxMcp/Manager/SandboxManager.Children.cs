using System.Text.RegularExpressions;
using SandboxMcp.Children;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;
using SandboxMcp.State;
using SandboxMcp.Transfer;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    private const long DefaultChildMemory = 512L << 20;
    private const double DefaultChildCpus = 1;

    /// <summary>
    /// Spawns a child of <paramref name="parent"/> within its spawn policy and the budget of its whole tree.
    /// Every refusal is a <see cref="SpawnError"/> naming the limit it hit.
    /// </summary>
    public async Task<ChildInfo> SpawnAsync(string parent, ChildRequest request, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(parent, "parent");
        await GetOrCreateAsync(parent, SandboxRequest.FromProfile, cancellationToken);
        var (record, runtime) = await state.UpdateAsync(async document =>
        {
            var parentRecord = document.Sandboxes.GetValueOrDefault(parent)
                ?? throw new SpawnError(SpawnError.NotFound, $"Sandbox '{parent}' is gone.");
            var policy = PolicyOf(parent, document)
                ?? throw new SpawnError(SpawnError.PermissionDenied, $"Sandbox '{parent}' has no spawn policy, so it cannot spawn children: add one under \"spawnPolicies\" in the configuration.");
            var spec = ChildSpec(parent, parentRecord, policy, request, document);
            var runtime = catalog.ByName(parentRecord.Handle.Runtime)
                ?? throw new SpawnError(SpawnError.InternalError, $"The {parentRecord.Handle.Runtime} runtime of '{parent}' is not available.");
            var handle = await runtime.CreateAsync(spec with { Env = specs.Environment(spec.Name) }, cancellationToken);
            var now = time.GetUtcNow();
            var child = new SandboxRecord
            {
                Name = spec.Name,
                Spec = spec,
                Handle = handle,
                CreatedAt = now,
                LastUsedAt = now,
                ExpiresAt = now.AddSeconds(policy.ChildTtlSeconds),
            };
            document.Sandboxes[spec.Name] = child;
            document.Sandboxes[parent] = parentRecord with { SpawnCount = parentRecord.SpawnCount + 1 };
            return (child, runtime);
        }, cancellationToken);

        await PrepareAsync(runtime, record.Handle, record.Spec, cancellationToken);
        var sandbox = Attach(record);
        sandbox.Audit("create", $"child of {parent}", record.CreatedAt, null, null);
        _sandboxes[record.Name] = sandbox;
        if (_sandboxes.TryGetValue(parent, out var parentSandbox))
        {
            parentSandbox.Audit("spawn", record.Name, record.CreatedAt, null, null);
        }

        return Info(parent, record);
    }

    /// <summary>The children of <paramref name="parent"/>.</summary>
    public async Task<IReadOnlyList<ChildInfo>> ListChildrenAsync(string parent, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(parent, "parent");
        await _ready.Task.WaitAsync(cancellationToken);
        var document = await state.ReadAsync(cancellationToken);
        return [.. document.Sandboxes.Values.Where(r => r.Spec.Parent == parent).OrderBy(r => r.CreatedAt).Select(r => Info(parent, r))];
    }

    /// <summary>Runs a command in a child of <paramref name="parent"/>, given as an argument vector or as shell text.</summary>
    public async Task<CommandResult> ExecChildAsync(string parent, string child, string command, string? workDir, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var name = await ChildNameAsync(parent, child, cancellationToken);
        return await UseExistingAsync(name, s => s.ExecAsync(command, workDir, timeout, "exec", $"from {parent}: {command}", cancellationToken), cancellationToken);
    }

    /// <summary>Destroys a child of <paramref name="parent"/> and everything it spawned.</summary>
    public async Task DestroyChildAsync(string parent, string child, CancellationToken cancellationToken)
    {
        var name = await ChildNameAsync(parent, child, cancellationToken);
        await DestroyAsync(name, cancellationToken);
    }

    /// <summary>Spawn, run one command, destroy: a throwaway child.</summary>
    public async Task<CommandResult> RunChildAsync(string parent, ChildRequest request, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var child = await SpawnAsync(parent, request, cancellationToken);
        try
        {
            return await ExecChildAsync(parent, child.Name, command, null, timeout, cancellationToken);
        }
        finally
        {
            await DestroyChildAsync(parent, child.Name, CancellationToken.None);
        }
    }

    /// <summary>The spawn policy in force for a sandbox: configured for roots, derived for children of a tree that allows it.</summary>
    internal SpawnPolicy? PolicyOf(string name, StateDocument document)
    {
        var depth = 0;
        var root = name;
        while (document.Sandboxes.GetValueOrDefault(root)?.Spec.Parent is { } up)
        {
            root = up;
            depth++;
        }

        var rootPolicy = SpawnPolicy.FromConfiguration(options.SpawnPolicies.GetValueOrDefault(root));
        return depth switch
        {
            0 => rootPolicy,
            < SpawnPolicy.MaxDepth when rootPolicy is { ChildCanSpawn: true } => rootPolicy.DeriveForChild(),
            _ => null,
        };
    }

    /// <summary>Everything below <paramref name="name"/> in the tree, deepest first.</summary>
    internal static List<SandboxRecord> DescendantsOf(string name, StateDocument document)
    {
        var result = new List<SandboxRecord>();
        foreach (var child in document.Sandboxes.Values.Where(r => r.Spec.Parent == name).ToList())
        {
            result.AddRange(DescendantsOf(child.Name, document));
            result.Add(child);
        }

        return result;
    }

    /// <summary>
    /// Sets a sandbox up after its runtime made it: the sandbox-ctl listener when it may spawn, and the client
    /// inside it when its policy says so.
    /// </summary>
    private async Task PrepareAsync(ISandboxRuntime runtime, RuntimeHandle handle, SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (spec.CtlDirectory is null)
        {
            return;
        }

        ctl.EnsureListening(spec.Name, spec.CtlDirectory);
        var policy = PolicyOf(spec.Name, await state.ReadAsync(cancellationToken)) ?? SpawnPolicy.FromConfiguration(options.SpawnPolicies.GetValueOrDefault(spec.Name));
        if (policy is not { InjectCtl: true } || handle.Properties?.GetValueOrDefault(RuntimeHandle.CtlClientProperty) is not { } client)
        {
            return;
        }

        var launcher = new RuntimeLauncher(runtime, handle);
        await SandboxFiles.WriteAsync(launcher, client, SandboxCtlServer.ClientScript, null, cancellationToken);
        var socket = handle.Properties.GetValueOrDefault(RuntimeHandle.CtlSocketProperty) ?? "";
        // Inside containers the socket also answers at the documented /run/sandbox-ctl.sock.
        var link = runtime.Tier == SandboxTier.Native ? "" : "/run/sandbox-ctl.sock";
        await launcher.RunCheckedAsync(
            ["sh", "-c", "chmod 755 \"$1\" && if [ -n \"$3\" ] && [ \"$2\" != \"$3\" ]; then ln -sf \"$2\" \"$3\"; fi", "sandbox-mcp-ctl", client, socket, link],
            "install sandbox-ctl",
            cancellationToken);
    }

    private SandboxSpec ChildSpec(string parent, SandboxRecord parentRecord, SpawnPolicy policy, ChildRequest request, StateDocument document)
    {
        var children = document.Sandboxes.Values.Where(r => r.Spec.Parent == parent).ToList();
        if (children.Count >= policy.MaxChildren)
        {
            throw new SpawnError(SpawnError.LimitReached, $"maxChildren: '{parent}' already has {children.Count} children, its limit is {policy.MaxChildren}; destroy one first.");
        }

        if (parentRecord.SpawnCount >= policy.MaxSpawns)
        {
            throw new SpawnError(SpawnError.LimitReached, $"maxSpawns: '{parent}' has spawned {parentRecord.SpawnCount} children, its lifetime limit is {policy.MaxSpawns}.");
        }

        var image = request.Image ?? parentRecord.Spec.Image;
        if (image != parentRecord.Spec.Image && !policy.AllowedImages.Contains(image!, StringComparer.Ordinal))
        {
            throw new SpawnError(SpawnError.PermissionDenied, $"allowedImages: image '{image}' is not allowed for children of '{parent}' (allowed: its own image{(policy.AllowedImages.Count > 0 ? ", " + string.Join(", ", policy.AllowedImages) : "")}).");
        }

        var usedCpus = children.Sum(c => c.Spec.Cpus);
        var usedMemory = children.Sum(c => c.Spec.MemoryBytes);
        var cpus = request.Cpus ?? Math.Min(DefaultChildCpus, policy.CpuBudget - usedCpus);
        var memory = request.Memory is { } text
            ? ByteSize.TryParse(text, out var bytes) && bytes >= 16L << 20 ? bytes : throw new SpawnError(SpawnError.InvalidRequest, $"memory '{InputValidation.Printable(text)}' is not a size of at least 16m (e.g. 256m).")
            : Math.Min(DefaultChildMemory, policy.MemoryBudgetBytes - usedMemory);
        if (cpus <= 0 || double.IsNaN(cpus) || usedCpus + cpus > policy.CpuBudget + 1e-9)
        {
            throw new SpawnError(SpawnError.LimitReached, $"cpuBudget: children of '{parent}' use {usedCpus:0.##} of {policy.CpuBudget:0.##} cpus; {Math.Max(cpus, 0):0.##} more do not fit.");
        }

        if (memory < 16L << 20 || usedMemory + memory > policy.MemoryBudgetBytes)
        {
            throw new SpawnError(SpawnError.LimitReached, $"memoryBudget: children of '{parent}' use {ByteSize.Format(usedMemory)} of {ByteSize.Format(policy.MemoryBudgetBytes)}; {ByteSize.Format(Math.Max(memory, 0))} more do not fit.");
        }

        CheckTreeBudget(parent, cpus, memory, document);
        var shortName = request.Name ?? $"c{parentRecord.SpawnCount + 1}";
        if (!ChildNameRegex().IsMatch(shortName))
        {
            throw new SpawnError(SpawnError.InvalidRequest, $"name '{InputValidation.Printable(shortName)}' is not a child name: use a-z, 0-9, '_' or '-', at most 24 characters.");
        }

        var name = $"{parent}.{shortName}";
        if (name.Length > 63)
        {
            throw new SpawnError(SpawnError.InvalidRequest, $"'{name}' is longer than 63 characters: use a shorter child name.");
        }

        if (document.Sandboxes.ContainsKey(name))
        {
            throw new SpawnError(SpawnError.InvalidRequest, $"'{parent}' already has a child named '{shortName}'.");
        }

        var childDepth = 1;
        for (var up = parent; document.Sandboxes.GetValueOrDefault(up)?.Spec.Parent is { } next; up = next)
        {
            childDepth++;
        }

        var rootPolicy = SpawnPolicy.FromConfiguration(options.SpawnPolicies.GetValueOrDefault(RootOf(parent, document)));
        var childMaySpawn = childDepth < SpawnPolicy.MaxDepth && rootPolicy is { ChildCanSpawn: true };
        return parentRecord.Spec with
        {
            Name = name,
            Image = image,
            Cpus = cpus,
            MemoryBytes = memory,
            Pids = Math.Min(parentRecord.Spec.Pids, 512),
            Parent = parent,
            CtlDirectory = childMaySpawn ? ctl.DirectoryFor(name) : null,
            Env = new Dictionary<string, string>(),
        };
    }

    /// <summary>The whole tree under one root shares the root's budget, however deep it spawns.</summary>
    private void CheckTreeBudget(string parent, double cpus, long memory, StateDocument document)
    {
        var root = RootOf(parent, document);
        if (root == parent || SpawnPolicy.FromConfiguration(options.SpawnPolicies.GetValueOrDefault(root)) is not { } rootPolicy)
        {
            return;
        }

        var tree = DescendantsOf(root, document);
        var treeCpus = tree.Sum(r => r.Spec.Cpus);
        var treeMemory = tree.Sum(r => r.Spec.MemoryBytes);
        if (treeCpus + cpus > rootPolicy.CpuBudget + 1e-9)
        {
            throw new SpawnError(SpawnError.LimitReached, $"cpuBudget of the tree of '{root}': its descendants use {treeCpus:0.##} of {rootPolicy.CpuBudget:0.##} cpus.");
        }

        if (treeMemory + memory > rootPolicy.MemoryBudgetBytes)
        {
            throw new SpawnError(SpawnError.LimitReached, $"memoryBudget of the tree of '{root}': its descendants use {ByteSize.Format(treeMemory)} of {ByteSize.Format(rootPolicy.MemoryBudgetBytes)}.");
        }
    }

    private static string RootOf(string name, StateDocument document)
    {
        var root = name;
        while (document.Sandboxes.GetValueOrDefault(root)?.Spec.Parent is { } up)
        {
            root = up;
        }

        return root;
    }

    private async Task<string> ChildNameAsync(string parent, string child, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(parent, "parent");
        if (string.IsNullOrEmpty(child) || !ChildNameRegex().IsMatch(child))
        {
            throw new SpawnError(SpawnError.InvalidRequest, $"'{InputValidation.Printable(child)}' is not a child name.");
        }

        var name = $"{parent}.{child}";
        var record = (await state.ReadAsync(cancellationToken)).Sandboxes.GetValueOrDefault(name);
        return record?.Spec.Parent == parent
            ? name
            : throw new SpawnError(SpawnError.NotFound, $"'{parent}' has no child named '{child}' (children lists them).");
    }

    private static ChildInfo Info(string parent, SandboxRecord record) =>
        new(record.Name[(parent.Length + 1)..], record.Name, record.Spec.Image, record.Spec.Cpus, ByteSize.Format(record.Spec.MemoryBytes), record.ExpiresAt);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,23}$")]
    private static partial Regex ChildNameRegex();
}
