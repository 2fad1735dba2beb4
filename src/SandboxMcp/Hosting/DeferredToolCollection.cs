using System.Diagnostics.CodeAnalysis;
using ModelContextProtocol.Server;

namespace SandboxMcp.Hosting;

/// <summary>
/// The server's tools, built on another thread: the MCP server can be constructed and answer <c>initialize</c>
/// while the tool schemas are still being generated, and only <c>tools/list</c> and <c>tools/call</c> wait.
/// </summary>
/// <remarks>
/// The tools are kept here, not in the base collection, because adding them there once built would raise
/// <see cref="McpServerPrimitiveCollection{T}.Changed"/> and send clients a spurious list-changed notification.
/// The server reads tools only through the virtual members overridden below; the non-virtual
/// <c>Count</c>/<c>IsEmpty</c> stay those of the (empty) base and are not used by the server.
/// The set is fixed: adding or removing tools is not supported.
/// </remarks>
internal sealed class DeferredToolCollection(Task<McpServerTool[]> building) : McpServerPrimitiveCollection<McpServerTool>
{
    private readonly Lazy<(McpServerTool[] InOrder, Dictionary<string, McpServerTool> ByName)> _tools = new(() =>
    {
        // Blocks once, for the rest of the build, on the first request that needs a tool.
        var tools = building.GetAwaiter().GetResult();
        return (tools, tools.ToDictionary(t => t.ProtocolTool.Name, StringComparer.Ordinal));
    });

    /// <inheritdoc />
    public override bool TryGetPrimitive(string name, [NotNullWhen(true)] out McpServerTool? primitive) =>
        _tools.Value.ByName.TryGetValue(name, out primitive);

    /// <inheritdoc />
    public override IEnumerator<McpServerTool> GetEnumerator() => ((IEnumerable<McpServerTool>)_tools.Value.InOrder).GetEnumerator();

    /// <inheritdoc />
    public override McpServerTool[] ToArray() => [.. _tools.Value.InOrder];

    /// <inheritdoc />
    public override void CopyTo(McpServerTool[] array, int arrayIndex) => _tools.Value.InOrder.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public override bool Contains(McpServerTool primitive) => _tools.Value.InOrder.Contains(primitive);

    /// <inheritdoc />
    public override ICollection<string> PrimitiveNames => _tools.Value.ByName.Keys;

    /// <inheritdoc />
    public override bool TryAdd(McpServerTool primitive) => throw Fixed();

    /// <inheritdoc />
    public override bool Remove(McpServerTool primitive) => throw Fixed();

    /// <inheritdoc />
    public override void Clear() => throw Fixed();

    private static NotSupportedException Fixed() => new("The sandbox tool set is fixed at start-up.");
}
