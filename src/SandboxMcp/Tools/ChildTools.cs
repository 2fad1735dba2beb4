using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Children;
using SandboxMcp.Manager;

namespace SandboxMcp.Tools;

/// <summary>Child sandboxes, under the same spawn policies as the in-sandbox sandbox-ctl client.</summary>
[McpServerToolType]
public sealed class ChildTools(SandboxManager manager)
{
    /// <summary>Spawns a child.</summary>
    [McpServerTool(Name = "spawn", Title = "Spawn a child sandbox", Destructive = false, Idempotent = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(ChildInfo))]
    [Description("Create a child sandbox of a parent, within the parent's spawn policy (configuration spawnPolicies: how many children, cpu and memory budgets, allowed images, lifetime). Code inside the parent can do the same with `sandbox-ctl spawn`. The child is named PARENT.NAME and dies with its parent or its TTL.")]
    public async Task<CallToolResult> SpawnAsync(
        [Description("Parent sandbox name.")] string parent,
        [Description("Child name (a-z, 0-9, '_', '-'); default c1, c2, ….")] string? name = null,
        [Description("Image; default the parent's (others must be in allowedImages).")] string? image = null,
        [Description("CPUs; default 1 or what is left of the budget.")] double? cpus = null,
        [Description("Memory like \"256m\"; default 512m or what is left of the budget.")] string? memory = null,
        CancellationToken cancellationToken = default)
    {
        var child = await manager.SpawnAsync(parent, new ChildRequest(name, image, cpus, memory), cancellationToken);
        return ToolResults.Structured(
            string.Create(CultureInfo.InvariantCulture, $"Spawned {child.Sandbox} ({child.Image}, {child.Cpus:0.##} cpus, {child.Memory}); expires {child.ExpiresAt:u}. Use it as sandbox \"{child.Sandbox}\"."),
            child);
    }

    /// <summary>Lists children.</summary>
    [McpServerTool(Name = "children", Title = "List child sandboxes", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("List a parent's child sandboxes: name, image, cpus, memory, expiry.")]
    public async Task<CallToolResult> ChildrenAsync(
        [Description("Parent sandbox name.")] string parent,
        CancellationToken cancellationToken = default)
    {
        var children = await manager.ListChildrenAsync(parent, cancellationToken);
        var text = new StringBuilder(children.Count == 0 ? $"{parent} has no children." : "");
        foreach (var c in children)
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.Name}\t{c.Sandbox}\t{c.Image}\t{c.Cpus:0.##} cpus\t{c.Memory}\texpires {c.ExpiresAt:u}\n");
        }

        return ToolResults.Structured(text.ToString(), new { parent, children });
    }

    /// <summary>Destroys a child.</summary>
    [McpServerTool(Name = "destroy_child", Title = "Destroy a child sandbox", Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Destroy one child of a parent (and anything it spawned).")]
    public async Task<CallToolResult> DestroyChildAsync(
        [Description("Parent sandbox name.")] string parent,
        [Description("The child's short name, as children lists it.")] string name,
        CancellationToken cancellationToken = default)
    {
        await manager.DestroyChildAsync(parent, name, cancellationToken);
        return ToolResults.Structured($"Destroyed {parent}.{name}", new { parent, name, destroyed = true });
    }
}
