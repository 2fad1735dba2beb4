using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SandboxMcp.Hosting;

/// <summary>
/// Turns a failure inside a tool into a tool error the model can act on, and logs the unexpected ones. Our own
/// <see cref="McpException"/>s carry their message as is; anything else is a bug, reported without internals.
/// </summary>
public static partial class ToolErrorFilter
{
    /// <summary>The call-tool filter.</summary>
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Create(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        (context, cancellationToken) => GuardAsync(
            () => next(context, cancellationToken).AsTask(),
            context.Params?.Name ?? "?",
            () => context.Services?.GetService(typeof(ILogger<McpServer>)) as ILogger,
            cancellationToken);

    /// <summary>
    /// Runs a tool call and answers every failure as a tool error, except the caller's own cancellation, which
    /// propagates. Shared by the SDK's filter and the requests the stdin reader answers itself.
    /// </summary>
    public static async ValueTask<CallToolResult> GuardAsync(Func<Task<CallToolResult>> call, string tool, Func<ILogger?> logger, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (McpException ex) when (ex is not McpProtocolException)
        {
            return Error(ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The server must answer every call and live on; the exception is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (logger() is { } log)
            {
                LogUnexpected(log, ex, tool);
            }

            return Error($"Internal error in '{tool}' ({ex.GetType().Name}). The server is still running: retry, and if it happens again see the server log for details.");
        }
    }

    private static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Tool {Tool} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string tool);
}
