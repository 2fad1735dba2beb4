using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SandboxMcp.Configuration;

namespace SandboxMcp.Manager;

/// <summary>
/// Runs start-up reconciliation without holding up the MCP handshake, then the idle sweep; on shutdown ends
/// every shell this server started (sandboxes themselves stay for the next start).
/// </summary>
/// <remarks>
/// The manager is resolved lazily, on the background thread: constructing it builds every runtime, engine client
/// and the state store, and the host constructs hosted services before the MCP transport reads its first message.
/// </remarks>
public sealed partial class SandboxHousekeeper(Lazy<SandboxManager> lazyManager, SandboxMcpOptions options, TimeProvider time, ILogger<SandboxHousekeeper> logger) : BackgroundService
{
    /// <summary>How often use times are shared and idle sandboxes reaped: a quarter of the TTL, between 1 and 30 s.</summary>
    public TimeSpan SweepInterval { get; } = TimeSpan.FromSeconds(Math.Clamp(options.IdleTtlSeconds / 4.0, 1, 30));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var manager = lazyManager.Value;
        try
        {
            await manager.ReconcileAsync(stoppingToken);
        }
#pragma warning disable CA1031 // A failed reconciliation must not stop the server; it is logged and sweeps go on.
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, "start-up reconciliation");
        }

        using var timer = new PeriodicTimer(SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await manager.SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex, "idle sweep");
                }
            }
        }
#pragma warning restore CA1031
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await lazyManager.Value.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sandbox housekeeping failed: {Phase}")]
    private partial void LogFailed(Exception exception, string phase);
}
