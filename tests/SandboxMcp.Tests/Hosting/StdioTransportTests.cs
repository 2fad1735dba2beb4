using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using SandboxMcp.Hosting;

namespace SandboxMcp.Tests.Hosting;

/// <summary>The server's stdio transport over real OS pipes: one JSON-RPC message per line, in and out.</summary>
public sealed class StdioTransportTests : IAsyncDisposable
{
    private readonly TransportPipes _pipes = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Request(int id, string method) => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}"}""";

    private async Task SendAsync(string text)
    {
        await _pipes.ClientWrites.WriteAsync(Encoding.UTF8.GetBytes(text), Ct);
        await _pipes.ClientWrites.FlushAsync(Ct);
    }

    private async Task<JsonRpcRequest> NextRequestAsync() =>
        Assert.IsType<JsonRpcRequest>(await _pipes.Transport.MessageReader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));

    private async Task<string?> ReadLineAsync() => await _pipes.Output.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

    [Fact]
    public async Task Messages_SplitAcrossWritesOrSharingOne_ArriveWholeAndInOrder()
    {
        await SendAsync(Request(1, "ping") + "\n" + Request(2, "tools/list") + "\n{\"jsonrpc\":\"2.0\",\"id\":3,");
        await SendAsync("\"method\":\"tools/call\"}\n");

        Assert.Equal(["ping", "tools/list", "tools/call"], [(await NextRequestAsync()).Method, (await NextRequestAsync()).Method, (await NextRequestAsync()).Method]);
    }

    [Fact]
    public async Task Message_LargerThanTheReadBuffer_ArrivesIntact()
    {
        var content = new string('x', 3_000_000);
        await SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"content\":\"" + content + "\"}}\n");

        var request = await NextRequestAsync();

        Assert.Equal(content, request.Params!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task BlankAndCarriageReturnLines_AreSkipped()
    {
        await SendAsync("\n  \r\n" + Request(1, "ping") + "\r\n");

        Assert.Equal("ping", (await NextRequestAsync()).Method);
    }

    [Fact]
    public async Task UnreadableRequest_GetsAParseErrorWithItsId_AndReadingGoesOn()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":""" + "\n");
        await SendAsync("not json\n" + Request(10, "ping") + "\n");

        var error = JsonNode.Parse((await ReadLineAsync())!)!;
        Assert.Equal(9, error["id"]!.GetValue<int>());
        Assert.Equal(-32700, error["error"]!["code"]!.GetValue<int>());
        Assert.Equal("ping", (await NextRequestAsync()).Method);
    }

    [Fact]
    public async Task EndOfInput_CompletesTheMessageReader()
    {
        await SendAsync(Request(1, "ping") + "\n");
        _pipes.ClientWrites.Dispose();

        Assert.Equal("ping", (await NextRequestAsync()).Method);
        await _pipes.Transport.MessageReader.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task ConcurrentSends_EachGoOutAsOneWholeLine()
    {
        var text = new string('y', 100_000);
        var sends = Enumerable.Range(1, 20).Select(i => Task.Run(
            () => _pipes.Transport.SendMessageAsync(new JsonRpcResponse { Id = new RequestId(i), Result = new JsonObject { ["text"] = text } }, Ct), Ct));
        var reading = Task.Run(
            async () =>
            {
                var ids = new List<int>();
                for (var i = 0; i < 20; i++)
                {
                    var line = JsonNode.Parse((await ReadLineAsync())!)!;
                    Assert.Equal(text, line["result"]!["text"]!.GetValue<string>());
                    ids.Add(line["id"]!.GetValue<int>());
                }

                return ids;
            },
            Ct);

        await Task.WhenAll(sends);

        Assert.Equal(Enumerable.Range(1, 20), (await reading).Order());
    }

    public ValueTask DisposeAsync() => _pipes.DisposeAsync();
}
