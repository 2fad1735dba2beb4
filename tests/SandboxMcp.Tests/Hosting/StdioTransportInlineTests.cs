using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using SandboxMcp.Hosting;

namespace SandboxMcp.Tests.Hosting;

/// <summary>How the stdio transport routes requests to an <see cref="IInlineRequests"/> before the SDK sees them.</summary>
public sealed class StdioTransportInlineTests : IAsyncDisposable
{
    private readonly RecordingInline _inline;
    private readonly TransportPipes _pipes;

    public StdioTransportInlineTests()
    {
        _inline = new RecordingInline();
        _pipes = new TransportPipes(_inline);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task SendAsync(string text)
    {
        await _pipes.ClientWrites.WriteAsync(Encoding.UTF8.GetBytes(text), Ct);
        await _pipes.ClientWrites.FlushAsync(Ct);
    }

    private async Task<JsonRpcMessage> NextMessageAsync() =>
        await _pipes.Transport.MessageReader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

    [Fact]
    public async Task TakenRequest_IsAnsweredByTheInlineHandler_AndNeverReachesTheSdk()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"take/me"}""" + "\n" + """{"jsonrpc":"2.0","id":2,"method":"ping"}""" + "\n");

        var answer = JsonNode.Parse((await _pipes.Output.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct))!)!;
        var passedOn = Assert.IsType<JsonRpcRequest>(await NextMessageAsync());

        Assert.Equal(1, answer["id"]!.GetValue<int>());
        Assert.Equal("inline", answer["result"]!["by"]!.GetValue<string>());
        Assert.Equal("ping", passedOn.Method);
        Assert.Equal(["take/me", "ping"], _inline.Offered);
    }

    [Fact]
    public async Task AFailingInlineHandler_AnswersTheRequestWithAnError_AndReadingGoesOn()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":5,"method":"throw/please"}""" + "\n" + """{"jsonrpc":"2.0","id":6,"method":"ping"}""" + "\n");

        var answer = JsonNode.Parse((await _pipes.Output.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct))!)!;
        var passedOn = Assert.IsType<JsonRpcRequest>(await NextMessageAsync());

        Assert.Equal(5, answer["id"]!.GetValue<int>());
        Assert.Equal(-32603, answer["error"]!["code"]!.GetValue<int>());
        Assert.Equal("ping", passedOn.Method);
    }

    [Fact]
    public async Task CancelledNotification_ReachesTheInlineHandler_AndTheSdk()
    {
        await SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user"}}""" + "\n");

        var passedOn = Assert.IsType<JsonRpcNotification>(await NextMessageAsync());

        Assert.Equal(NotificationMethods.CancelledNotification, passedOn.Method);
        Assert.Equal([new RequestId(7)], _inline.Cancelled);
    }

    [Fact]
    public async Task EndOfInput_WaitsForTakenRequestsBeforeEndingTheSession()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"take/me"}""" + "\n");
        await _pipes.Output.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        _inline.Running = new TaskCompletionSource();

        _pipes.ClientWrites.Close();
        var ended = _pipes.Transport.MessageReader.Completion;
        await _inline.DrainStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var endedBeforeDrain = ended.IsCompleted;
        _inline.Running.SetResult();
        await ended.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.False(endedBeforeDrain);
        Assert.Equal([false], _inline.Drains);
    }

    [Fact]
    public async Task Dispose_CancelsWhatTheInlineHandlerStillRuns()
    {
        await _pipes.Transport.DisposeAsync();

        Assert.Equal([true], _inline.Drains);
    }

    public ValueTask DisposeAsync() => _pipes.DisposeAsync();

    private sealed class RecordingInline : IInlineRequests
    {
        public ConcurrentQueue<string> Offered { get; } = new();

        public ConcurrentQueue<RequestId> Cancelled { get; } = new();

        public ConcurrentQueue<bool> Drains { get; } = new();

        public TaskCompletionSource? Running { get; set; }

        public TaskCompletionSource DrainStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake(JsonRpcRequest request, Func<JsonRpcMessage, Task> send)
        {
            Offered.Enqueue(request.Method);
            if (request.Method == "throw/please")
            {
                throw new InvalidOperationException("a bug in the handler");
            }

            if (request.Method != "take/me")
            {
                return false;
            }

            _ = send(new JsonRpcResponse { Id = request.Id, Result = new JsonObject { ["by"] = "inline" } });
            return true;
        }

        public void Cancel(RequestId id) => Cancelled.Enqueue(id);

        public Task DrainAsync(bool cancel)
        {
            Drains.Enqueue(cancel);
            DrainStarted.TrySetResult();
            return Running?.Task ?? Task.CompletedTask;
        }
    }
}
