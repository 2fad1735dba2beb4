using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;
using SandboxMcp.Tools;

namespace SandboxMcp.Hosting;

/// <summary>
/// The tool classes the server exposes, and their definitions built on a second core while the host is
/// configured: generating the JSON schemas of every tool by reflection is most of the start-up time, and the
/// first message (initialize) does not need them yet.
/// </summary>
public static class ToolRegistration
{
    /// <summary>Every MCP tool class; a new group of tools is one line here.</summary>
    public static readonly Type[] ToolTypes =
    [
        typeof(ExecTools),
        typeof(FileTools),
        typeof(LifecycleTools),
        typeof(PackageTools),
        typeof(SnapshotTools),
        typeof(ImageTools),
        typeof(MonitoringTools),
        typeof(ChildTools),
        typeof(BackgroundTools),
        typeof(TransferTools),
        typeof(PortTools),
    ];

    /// <summary>
    /// Registers every tool with the MCP server while their definitions are built on another thread; the server
    /// waits for them only when it first needs its tool list.
    /// </summary>
    public static IMcpServerBuilder WithSandboxTools(this IMcpServerBuilder builder)
    {
        var methods = ToolMethods().ToList();
        var tools = Task.Run(() => methods.Select(m => Create(m.Type, m.Method)).ToArray());
        for (var i = 0; i < methods.Count; i++)
        {
            var index = i;
            builder.Services.AddSingleton(_ => tools.GetAwaiter().GetResult()[index]);
        }

        return builder;
    }

    /// <summary>Builds every tool now (for tests and tools listing).</summary>
    public static IReadOnlyList<McpServerTool> Create() => [.. ToolMethods().Select(m => Create(m.Type, m.Method))];

    private static IEnumerable<(Type Type, MethodInfo Method)> ToolMethods() =>
        ToolTypes.SelectMany(type => type
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(method => method.IsDefined(typeof(McpServerToolAttribute)))
            .Select(method => (type, method)));

    /// <summary>One tool; each call gets a fresh instance of its class from the request's services.</summary>
    private static McpServerTool Create(Type type, MethodInfo method) =>
        McpServerTool.Create(
            method,
            request => ActivatorUtilities.CreateInstance(request.Services!, type),
            new McpServerToolCreateOptions { SerializerOptions = ToolJson.Options });
}
