using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Win32.SafeHandles;
using ModelContextProtocol.Protocol;
using SandboxMcp.Configuration;
using SandboxMcp.Hosting;
using SandboxMcp.Tools;

if (args.Contains("--help") || args.Contains("-h"))
{
    await Console.Error.WriteLineAsync(CommandLine.Help);
    return 0;
}

if (args.Contains("--version"))
{
    // Like --help, on stderr: stdout belongs to the MCP protocol, even when no server runs.
    await Console.Error.WriteLineAsync("sandbox-mcp " + CommandLine.Version);
    return 0;
}

// Tool schemas take longer to build than everything else start-up does: begin at once, on another core.
var tools = ToolRegistration.StartBuilding();
var paths = ServerPaths.FromEnvironment();
SandboxMcpOptions options;
try
{
    options = ConfigurationLoader.Load(paths, args);
}
catch (ConfigurationException ex)
{
    await Console.Error.WriteLineAsync("sandbox-mcp: " + ex.Message);
    return 2;
}

var logLevel = Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true);
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "sandbox-mcp" });
builder.Logging.SetMinimumLevel(logLevel);
// The SDK logs every request at Information; keep that for Debug sessions.
builder.Logging.AddFilter("ModelContextProtocol", logLevel <= LogLevel.Debug ? logLevel : LogLevel.Warning);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.AddProvider(new FileLoggerProvider(paths.LogDirectory, logLevel));
builder.Services.AddSandboxServices(paths, options);
builder.Services
    .AddMcpServer(o =>
    {
        o.ServerInfo = new Implementation { Name = "sandbox-mcp", Version = CommandLine.Version };
        o.ServerInstructions = ServerInstructions.Text;
    })
    .WithStdioServerTransport()
    .WithRequestFilters(filters => filters.AddCallToolFilter(ToolErrorFilter.Create))
    .WithSandboxTools(tools);

// The SDK's stdio transport hosts the session; ours replaces its streams (see StdioTransport for why).
builder.Services.Replace(ServiceDescriptor.Singleton<ITransport>(
    services => new StdioTransport(
        Console.OpenStandardInput(),
        Console.OpenStandardOutput(),
        services.GetRequiredService<ILogger<StdioTransport>>(),
        new InlineExec(services, services.GetRequiredService<ILogger<InlineExec>>(), services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping),
        new SafeFileHandle(0, ownsHandle: false))));

await builder.Build().RunAsync();
return 0;
