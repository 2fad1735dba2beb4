using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace SandboxMcp.Hosting;

/// <summary>
/// Requests the stdin reader answers itself, on its own thread, before the SDK's dispatch sees them: the SDK hands
/// every request to a pool thread first, which on a warm <c>exec</c> is a third of the round trip. Whatever an
/// implementation does not take goes to the SDK as usual.
/// </summary>
public interface IInlineRequests
{
    /// <summary>
    /// Takes <paramref name="request"/> when it can answer it, and answers through <paramref name="send"/>, now or
    /// later. Returns false, having done nothing, for anything it does not handle.
    /// </summary>
    bool TryTake(JsonRpcRequest request, Func<JsonRpcMessage, Task> send);

    /// <summary>Cancels a taken request that is still running (the client sent <c>notifications/cancelled</c>).</summary>
    void Cancel(RequestId id);

    /// <summary>Waits for taken requests still running; with <paramref name="cancel"/>, cancels them first.</summary>
    Task DrainAsync(bool cancel);

    /// <summary>The answer to a taken request that failed outside any tool's own error handling: what the SDK answers then.</summary>
    static JsonRpcError InternalError(RequestId id) => new()
    {
        Id = id,
        Error = new JsonRpcErrorDetail { Code = (int)McpErrorCode.InternalError, Message = "An error occurred." },
    };
}
