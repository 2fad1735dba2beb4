using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SandboxMcp.Configuration;
using SandboxMcp.Manager;
using SandboxMcp.Runtimes;
using SandboxMcp.Runtimes.Native;
using SandboxMcp.State;

namespace SandboxMcp.Hosting;

/// <summary>Registers the sandbox services (everything below the MCP tools).</summary>
public static class ServiceRegistration
{
    /// <summary>Adds options, state, runtimes, the manager and its housekeeping.</summary>
    public static IServiceCollection AddSandboxServices(this IServiceCollection services, ServerPaths paths, SandboxMcpOptions options)
    {
        services.AddSingleton(paths);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StateStore>();
        services.AddSingleton<HistoryLog>();
        services.AddSingleton<SpecResolver>();
        services.AddSingleton<NativeWatchdog>();
        services.AddSingleton<ISandboxRuntime, NativeRuntime>();
        services.AddSingleton<RuntimeCatalog>();
        services.AddSingleton<SandboxManager>();
        services.AddSingleton<SandboxHousekeeper>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SandboxHousekeeper>());
        return services;
    }
}
