using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Server;

/// <summary>
/// Plain <c>exec</c> calls, which the server answers on its stdin reader instead of through the SDK: the same
/// answers, cancellation, other sandboxes not held up, and answers still given at end of input.
/// A call with a progress token goes through the SDK, which makes it the reference.
/// </summary>
public sealed class InlineExecTests : IAsyncDisposable
{
    private readonly TempDirectory _root = new();
    private readonly Process _server;
    private int _nextId = 100;

    public InlineExecTests()
    {
        _server = ProcessProbe.StartServer(_root.Path, ["--defaultTier", "native"]);
        _ = _server.StandardError.ReadToEndAsync(Ct);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Exec(string command, string sandbox = "default", string? progressToken = null)
    {
        var parameters = new JsonObject { ["name"] = "exec", ["arguments"] = new JsonObject { ["command"] = command, ["sandbox"] = sandbox } };
        if (progressToken is not null)
        {
            parameters["_meta"] = new JsonObject { ["progressToken"] = progressToken };
        }

        return parameters;
    }

    private async Task<int> SendAsync(string method, JsonObject? parameters, int? id = null)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        var requestId = id ?? Interlocked.Increment(ref _nextId);
        if (method != "notifications/cancelled" && method != "notifications/initialized")
        {
            message["id"] = requestId;
        }

        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        await _server.StandardInput.WriteLineAsync(message.ToJsonString());
        await _server.StandardInput.FlushAsync(Ct);
        return requestId;
    }

    /// <summary>Reads answers until the one for <paramref name="id"/>, collecting every id seen on the way.</summary>
    private async Task<JsonNode> AnswerAsync(int id, List<int>? seen = null)
    {
        while (await _server.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct) is { } line)
        {
            var answer = JsonNode.Parse(line)!;
            if (answer["id"] is { } answerId)
            {
                seen?.Add(answerId.GetValue<int>());
                if (answerId.GetValue<int>() == id)
                {
                    return answer;
                }
            }
        }

        throw new InvalidOperationException($"the server closed stdout before answering {id}");
    }

    private async Task InitializeAsync()
    {
        var id = await SendAsync("initialize", JsonNode.Parse("""{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}""")!.AsObject());
        await AnswerAsync(id);
        await SendAsync("notifications/initialized", null);
    }

    [Fact(Timeout = 60_000)]
    public async Task InlineAnswer_IsTheSdkAnswer()
    {
        await InitializeAsync();
        const string command = "printf 'out\\n'; printf 'err\\n' >&2; (exit 3)";

        var inline = (await AnswerAsync(await SendAsync("tools/call", Exec(command))))["result"]!.AsObject();
        var viaSdk = (await AnswerAsync(await SendAsync("tools/call", Exec(command, progressToken: "p1"))))["result"]!.AsObject();

        Assert.Equal(3, inline["structuredContent"]!["exit_code"]!.GetValue<int>());
        Assert.Equal("out\n", inline["structuredContent"]!["stdout"]!.GetValue<string>());
        Assert.Equal("err\n", inline["structuredContent"]!["stderr"]!.GetValue<string>());
        foreach (var result in new[] { inline, viaSdk })
        {
            result["structuredContent"]!.AsObject().Remove("duration_ms");
            result["content"]![0]!["text"] = Regex.Replace((string)result["content"]![0]!["text"]!, @" · \d+ ms\]", "]");
        }

        Assert.Equal(viaSdk.ToJsonString(), inline.ToJsonString());
    }

    [Fact(Timeout = 60_000)]
    public async Task BadInput_IsAToolErrorThatSaysWhatToDo()
    {
        await InitializeAsync();

        var answer = await AnswerAsync(await SendAsync("tools/call", Exec("echo hi", sandbox: "../escape")));

        Assert.True(answer["result"]!["isError"]!.GetValue<bool>());
        Assert.Contains("sandbox", (string)answer["result"]!["content"]![0]!["text"]!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 60_000)]
    public async Task CancelledExec_KillsTheCommand_IsNotAnswered_AndTheSandboxWorksOn()
    {
        await InitializeAsync();
        var first = await AnswerAsync(await SendAsync("tools/call", Exec("echo $$")));
        var shell = int.Parse(((string)first["result"]!["structuredContent"]!["stdout"]!).Trim(), CultureInfo.InvariantCulture);

        var sleeping = await SendAsync("tools/call", Exec("sleep 600; echo not cancelled"));
        await ProcessProbe.WaitUntilAsync(() => ProcessProbe.ChildrenOf(shell).Count > 0, TimeSpan.FromSeconds(20), "sleep to start", Ct);
        var sleeper = ProcessProbe.ChildrenOf(shell)[0];
        await SendAsync("notifications/cancelled", new JsonObject { ["requestId"] = sleeping, ["reason"] = "test" });
        var seen = new List<int>();
        var next = await AnswerAsync(await SendAsync("tools/call", Exec("echo next")), seen);
        await AnswerAsync(await SendAsync("ping", null), seen);

        Assert.Equal("next\n", (string)next["result"]!["structuredContent"]!["stdout"]!);
        Assert.DoesNotContain(sleeping, seen);
        Assert.False(ProcessProbe.IsAlive(sleeper), "the cancelled command still runs");
    }

    [Fact(Timeout = 60_000)]
    public async Task LongExec_DoesNotHoldUpAnotherSandbox()
    {
        await InitializeAsync();
        await AnswerAsync(await SendAsync("tools/call", Exec("true", sandbox: "slow")));
        await AnswerAsync(await SendAsync("tools/call", Exec("true", sandbox: "fast")));

        var slow = await SendAsync("tools/call", Exec("sleep 3; echo slow", sandbox: "slow"));
        var fast = await SendAsync("tools/call", Exec("echo fast", sandbox: "fast"));
        var seen = new List<int>();
        await AnswerAsync(slow, seen);

        Assert.Equal([fast, slow], seen);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(null)]
    [InlineData("through-the-sdk")]
    public async Task EndOfInput_StillAnswersTheExecThatRuns(string? progressToken)
    {
        await InitializeAsync();

        var running = await SendAsync("tools/call", Exec("sleep 1; echo finished", progressToken: progressToken));
        _server.StandardInput.Close();
        var answer = await AnswerAsync(running);
        await _server.WaitForExitAsync(Ct);

        Assert.Equal("finished\n", (string)answer["result"]!["structuredContent"]!["stdout"]!);
        Assert.Equal(0, _server.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            _server.StandardInput.Close();
            await _server.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }

        _server.Dispose();
        _root.Dispose();
    }
}
