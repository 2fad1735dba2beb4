using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using SandboxMcp.Common;
using SandboxMcp.Hosting;
using SandboxMcp.Manager;
using SandboxMcp.Shell;

namespace SandboxMcp.Tools;

/// <summary>
/// Answers plain <c>exec</c> calls on the stdin reader's thread: the command is written to the shell and, for up to
/// <see cref="ShellOptions.InlineWait"/>, its output is waited for there, so a warm command costs no thread hand-off
/// at all. A command that takes longer carries on asynchronously and is answered when it ends, cancellable like
/// any other.
/// Only the common shape is taken (known arguments of the right JSON types, no progress token, no task); anything
/// else goes through the SDK, which gives the same answers and its own errors.
/// </summary>
/// <remarks>
/// The wait gives way to the client: it does not start when another message is already buffered and ends as soon
/// as one arrives on stdin (<see cref="InlineReads.YieldTo"/>), so no other call waits for an inline command.
/// </remarks>
/// <param name="services">Where the sandbox manager comes from, on the first call (not at start-up).</param>
/// <param name="logger">For failures that escaped the tool's own error handling.</param>
/// <param name="stopping">Cancels every call still running when the server shuts down, as the SDK cancels its own.</param>
public sealed partial class InlineExec(IServiceProvider services, ILogger<InlineExec> logger, CancellationToken stopping) : IInlineRequests
{
    private static readonly JsonTypeInfo<CallToolResult> ResultType = (JsonTypeInfo<CallToolResult>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult));
    private readonly ConcurrentDictionary<RequestId, Running> _running = new();
    private readonly Lazy<ExecTools> _tools = new(() => new ExecTools(services.GetRequiredService<SandboxManager>()));

    /// <inheritdoc />
    public bool TryTake(JsonRpcRequest request, Func<JsonRpcMessage, Task> send)
    {
        if (request.Method != RequestMethods.ToolsCall || !ExecArguments.TryRead(request.Params, out var arguments))
        {
            return false;
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var token = cancellation.Token;
        var call = ToolErrorFilter.GuardAsync(
            () => _tools.Value.ExecAsync(arguments.Command, arguments.Sandbox, arguments.Timeout, arguments.Workdir, token),
            "exec",
            () => logger,
            token);

        if (call.IsCompleted)
        {
            LogAnsweredInline(request.Id);
            Answer(request.Id, call.AsTask(), send, cancellation);
            return true;
        }

        LogContinuing(request.Id);

        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[request.Id] = new Running(cancellation, finished.Task);
        _ = FinishAsync(request.Id, call.AsTask(), send, cancellation, finished);
        return true;
    }

    /// <inheritdoc />
    public void Cancel(RequestId id)
    {
        if (_running.TryGetValue(id, out var running))
        {
            try
            {
                running.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished in the meantime.
            }
        }
    }

    /// <inheritdoc />
    public async Task DrainAsync(bool cancel)
    {
        while (!_running.IsEmpty)
        {
            if (cancel)
            {
                foreach (var id in _running.Keys)
                {
                    Cancel(id);
                }
            }

            await Task.WhenAll(_running.Values.Select(r => r.Finished));
        }
    }

    private async Task FinishAsync(RequestId id, Task<CallToolResult> call, Func<JsonRpcMessage, Task> send, CancellationTokenSource cancellation, TaskCompletionSource finished)
    {
        await ((Task)call).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            Answer(id, call, send, cancellation);
        }
        finally
        {
            _running.TryRemove(id, out _);
            finished.SetResult();
        }
    }

    private void Answer(RequestId id, Task<CallToolResult> call, Func<JsonRpcMessage, Task> send, CancellationTokenSource cancellation)
    {
        JsonRpcMessage answer;
        if (call.IsCompletedSuccessfully)
        {
            answer = new JsonRpcResponse { Id = id, Result = JsonSerializer.SerializeToNode(call.Result, ResultType) };
        }
        else if (cancellation.IsCancellationRequested)
        {
            // As the SDK does for a request its client cancelled: no answer.
            cancellation.Dispose();
            return;
        }
        else
        {
            LogFailed(call.Exception);
            answer = IInlineRequests.InternalError(id);
        }

        cancellation.Dispose();
        _ = send(answer);
    }

    private sealed record Running(CancellationTokenSource Cancellation, Task Finished);

    [LoggerMessage(Level = LogLevel.Debug, Message = "exec {Id} answered on the stdin reader")]
    private partial void LogAnsweredInline(RequestId id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "exec {Id} still runs after the inline wait: it finishes asynchronously")]
    private partial void LogContinuing(RequestId id);

    [LoggerMessage(Level = LogLevel.Error, Message = "An exec answered on the stdin reader failed")]
    private partial void LogFailed(Exception? exception);
}
