using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Server;

/// <summary>What a client that writes bad lines to the server's stdin gets back: errors, and a server that lives on.</summary>
public sealed class StdioProtocolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task BadLines_GetAParseErrorWhenTheyCarryAnId_AndTheNextCallWorks()
    {
        using var root = new TempDirectory();
        using var server = ProcessProbe.StartServer(root.Path, ["--defaultTier", "native"]);
        _ = server.StandardError.ReadToEndAsync(Ct);

        await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        foreach (var junk in new[] { "this is not JSON", "null", "[]", "123", "\"text\"", """{"jsonrpc":"2.0","id":{"an":"object"},"method":"tools/list"}""" })
        {
            await server.StandardInput.WriteLineAsync(junk);
        }

        await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"exec","arguments":""");
        await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"exec","arguments":{"command":"echo still here"}}}""");
        await server.StandardInput.FlushAsync(Ct);

        // Answers come in the order they are ready, as JSON-RPC allows: match them by id.
        var answers = new Dictionary<int, JsonNode>();
        for (var i = 0; i < 3; i++)
        {
            var answer = JsonNode.Parse((await server.StandardOutput.ReadLineAsync(Ct))!)!;
            answers.Add(answer["id"]!.GetValue<int>(), answer);
        }

        server.StandardInput.Close();
        await server.WaitForExitAsync(Ct);

        Assert.NotNull(answers[1]["result"]);
        Assert.Equal(-32700, answers[2]["error"]!["code"]!.GetValue<int>());
        Assert.Equal("still here\n", answers[3]["result"]!["structuredContent"]!["stdout"]!.GetValue<string>());
        Assert.Equal(0, server.ExitCode);
    }
}
