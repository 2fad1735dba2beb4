using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;
using SandboxMcp.Tools;

namespace SandboxMcp.Hosting;

/// <summary>
/// The tool classes the server exposes, and their definitions built on another core from the first moment of
/// start-up: generating the JSON schemas of every tool by reflection is most of the start-up time, and the server
/// can answer <c>initialize</c> without them.
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

    /// <summary>Starts building every tool on the thread pool; call it as early as possible.</summary>
    public static Task<McpServerTool[]> StartBuilding()
    {
        var methods = ToolMethods().ToList();
        return Task.Run(() => methods.Select(m => Create(m.Type, m.Method)).ToArray());
    }

    /// <summary>
    /// Gives the MCP server the tools <paramref name="building"/> produces; requests that need them wait for the
    /// build, <c>initialize</c> does not.
    /// </summary>
    public static IMcpServerBuilder WithSandboxTools(this IMcpServerBuilder builder, Task<McpServerTool[]> building)
    {
        builder.Services.Configure<McpServerOptions>(options => options.ToolCollection = new DeferredToolCollection(building));
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
