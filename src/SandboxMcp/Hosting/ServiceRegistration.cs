using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SandboxMcp.Children;
using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Manager;
using SandboxMcp.Runtimes;
using SandboxMcp.Runtimes.Bubblewrap;
using SandboxMcp.Runtimes.Container;
using SandboxMcp.Runtimes.Native;
using SandboxMcp.Runtimes.Seatbelt;
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
        services.AddSingleton(new HostPaths(options.HostRoots));
        services.AddSingleton<StateStore>();
        services.AddSingleton<HistoryLog>();
        services.AddSingleton<SpecResolver>();
        services.AddSingleton<NativeWatchdog>();
        services.AddSingleton<ICommandRunner, CliWrapCommandRunner>();
        services.AddSingleton<ISandboxRuntime>(sp => Container(sp, new AppleContainerCli()));
        services.AddSingleton<ISandboxRuntime>(sp => Container(sp, new PodmanCli(PodmanConfiguration.Environment(paths))));
        services.AddSingleton<ISandboxRuntime>(sp => Container(sp, new DockerCli()));
        services.AddSingleton<Network.AllowlistProxies>();
        services.AddSingleton<BubblewrapRuntime>();
        services.AddSingleton<ISandboxRuntime>(sp => sp.GetRequiredService<BubblewrapRuntime>());
        services.AddSingleton<ISandboxRuntime, SeatbeltRuntime>();
        services.AddSingleton<ISandboxRuntime, NativeRuntime>();
        services.AddSingleton<RuntimeCatalog>();
        services.AddSingleton<SandboxCtlServer>();
        services.AddSingleton<SandboxManager>();
        services.AddSingleton(sp => new Lazy<SandboxManager>(sp.GetRequiredService<SandboxManager>));
        services.AddSingleton<SandboxHousekeeper>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SandboxHousekeeper>());
        return services;
    }

    private static ContainerRuntime Container(IServiceProvider services, IContainerCli cli) =>
        ActivatorUtilities.CreateInstance<ContainerRuntime>(services, cli);
}
