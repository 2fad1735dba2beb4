using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using SandboxMcp.Common;

namespace SandboxMcp.Hosting;

/// <summary>
/// MCP over this process's stdin and stdout, one JSON-RPC message per line, without thread hand-offs on the
/// way in or out. The SDK's stdio transport reads and writes through the base <see cref="Stream"/> async
/// methods, which on a console stream queue every read, write and flush to the thread pool; on a warm
/// <c>exec</c> those hops were a third of the round trip.
/// </summary>
public sealed partial class StdioTransport : ITransport
{
    private const int InitialBufferSize = 64 * 1024;
    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType = (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));
    private static readonly JsonTypeInfo<CancelledNotificationParams> CancelledType = (JsonTypeInfo<CancelledNotificationParams>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CancelledNotificationParams));

    // Synchronous continuations: the SDK's message loop takes each message on the reader thread and hands it
    // to its handler from there, instead of waking another thread first.
    private readonly Channel<JsonRpcMessage> _messages = Channel.CreateUnbounded<JsonRpcMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _outgoing = new(InitialBufferSize);
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly ILogger _logger;
    private readonly IInlineRequests? _inline;
    private readonly SafeHandle? _inputHandle;
    private readonly Func<JsonRpcMessage, Task> _sendQuietly;
    private int _disposed;

    /// <summary>
    /// Starts reading <paramref name="input"/> on a thread of its own. Requests <paramref name="inline"/> takes are
    /// answered on that thread, giving way as soon as <paramref name="inputHandle"/> (the descriptor under
    /// <paramref name="input"/>) has another message; the rest go to the SDK.
    /// </summary>
    public StdioTransport(Stream input, Stream output, ILogger<StdioTransport> logger, IInlineRequests? inline = null, SafeHandle? inputHandle = null)
    {
        _input = input;
        _output = output;
        _logger = logger;
        _inline = inline;
        _inputHandle = inputHandle;
        _sendQuietly = SendQuietlyAsync;

        // A dedicated thread, because its read blocks until the client writes: on the pool it would hold a worker.
        new Thread(ReadLoop) { IsBackground = true, Name = "mcp-stdin" }.Start();
    }

    /// <inheritdoc />
    public string? SessionId => null;

    /// <inheritdoc />
    public ChannelReader<JsonRpcMessage> MessageReader => _messages.Reader;

    /// <inheritdoc />
    public async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            _outgoing.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_outgoing))
            {
                JsonSerializer.Serialize(writer, message, MessageType);
            }

            _outgoing.Write("\n"u8);

            // One write, synchronously: the client reads stdout all the time, so a line goes out at once.
            _output.Write(_outgoing.WrittenSpan);
            if (_outgoing.Capacity > 4 * InitialBufferSize)
            {
                // A 10 MB read_file answer should not stay allocated for the rest of the session.
                _outgoing.Clear();
            }
        }
        catch (IOException ex)
        {
            LogSendFailed(ex);
            throw;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[InitialBufferSize];
        var filled = 0;
        Exception? failure = null;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = _input.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    LogEndOfInput();
                    break;
                }

                var scanFrom = filled;
                filled += read;
                var lineStart = 0;
                int newline;
                while ((newline = buffer.AsSpan(scanFrom, filled - scanFrom).IndexOf((byte)'\n')) >= 0)
                {
                    var lineEnd = scanFrom + newline;
                    Deliver(buffer.AsSpan(lineStart, lineEnd - lineStart), morePending: lineEnd + 1 < filled);
                    lineStart = scanFrom = lineEnd + 1;
                }

                // Keep the unfinished line at the start of the buffer.
                buffer.AsSpan(lineStart, filled - lineStart).CopyTo(buffer);
                filled -= lineStart;
                if (filled == 0 && buffer.Length > 4 * InitialBufferSize)
                {
                    buffer = new byte[InitialBufferSize];
                }
            }
        }
#pragma warning disable CA1031 // The read loop must end the session cleanly whatever stopped it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
            LogReadFailed(ex);
        }
        finally
        {
            // As the SDK does for its own handlers: requests already taken finish and are answered first.
            _inline?.DrainAsync(cancel: false).GetAwaiter().GetResult();
            _messages.Writer.TryComplete(failure);
        }
    }

    private void Deliver(ReadOnlySpan<byte> line, bool morePending)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return;
        }

        JsonRpcMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(line, MessageType);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            // Whatever a client sends, one bad line must not end the session.
            LogParseFailed(ex.Message);
            if (JsonRpcIds.TryRecover(line, out var id))
            {
                _ = SendQuietlyAsync(new JsonRpcError
                {
                    Id = id,
                    Error = new JsonRpcErrorDetail { Code = (int)McpErrorCode.ParseError, Message = "Failed to parse the JSON-RPC request: " + ex.Message },
                });
            }

            return;
        }

        if (message is null)
        {
            LogParseFailed("the line is JSON null");
            return;
        }

        if (_inline is not null)
        {
            if (message is JsonRpcRequest request)
            {
                // The next message must not wait for this one's command: inline waits give way to it.
                using (InlineReads.YieldTo(_inputHandle, morePending))
                {
                    if (TryTakeInline(request))
                    {
                        return;
                    }
                }
            }

            if (message is JsonRpcNotification { Method: NotificationMethods.CancelledNotification, Params: { } cancelled }
                && cancelled.Deserialize(CancelledType) is { } details)
            {
                // The SDK ignores ids it does not know, so it gets the notification too.
                _inline.Cancel(details.RequestId);
            }
        }

        _messages.Writer.TryWrite(message);
    }

    /// <summary>Offers a request to the inline handler; a bug there answers the request with an error, never ends the session.</summary>
    private bool TryTakeInline(JsonRpcRequest request)
    {
        try
        {
            return _inline!.TryTake(request, _sendQuietly);
        }
#pragma warning disable CA1031 // The read loop must live on; the request is answered and the failure logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogInlineFailed(ex, request.Method);
            _ = SendQuietlyAsync(IInlineRequests.InternalError(request.Id));
            return true;
        }
    }

    private async Task SendQuietlyAsync(JsonRpcMessage message)
    {
        try
        {
            await SendMessageAsync(message);
        }
        catch (IOException)
        {
            // Logged by SendMessageAsync; the client is gone and the read loop will see it.
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // The reader thread may stay blocked in read(2) until stdin closes; it is a background thread.
            _messages.Writer.TryComplete();

            // Shutting down (SIGTERM): what still runs is cancelled, as the SDK cancels its own handlers.
            _ = _inline?.DrainAsync(cancel: true);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stdin closed: ending the MCP session")]
    private partial void LogEndOfInput();

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading MCP messages from stdin failed")]
    private partial void LogReadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A line on stdin is not a JSON-RPC message: {Reason}")]
    private partial void LogParseFailed(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answering a {Method} request on the stdin reader failed")]
    private partial void LogInlineFailed(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing an MCP message to stdout failed")]
    private partial void LogSendFailed(Exception exception);
}
