using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Children;

/// <summary>
/// The sandbox-ctl socket under bad input and abuse: every request gets an error line or a closed connection,
/// never a crash, a hang of other clients or a leaked child. Talks to the host side of a native sandbox's socket.
/// </summary>
public sealed class SandboxCtlAbuseTests : ServerTest
{
    private static readonly string[] AcceptableOutcomes = ["ok", "BUSY", "closed", "refused"];
    private string? _socket;

    protected override JsonObject Config => new()
    {
        ["defaultTier"] = "native",
        ["spawnPolicies"] = new JsonObject { ["default"] = new JsonObject { ["maxChildren"] = 2, ["memoryBudget"] = "1g" } },
    };

    private async Task<string> SocketAsync() =>
        _socket ??= (await Server.ExecAsync("printf %s \"$SANDBOX_CTL_SOCKET\"", cancellationToken: Ct)).Stdout;

    private static async Task<Socket> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), Ct);
        return socket;
    }

    private static async Task<JsonObject?> SendAsync(Socket socket, string text)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), Ct);
        return await ReadLineAsync(socket);
    }

    private static async Task<JsonObject?> ReadLineAsync(Socket socket)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(one, Ct);
            }
            catch (SocketException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            if (one[0] == '\n')
            {
                return JsonNode.Parse(Encoding.UTF8.GetString([.. buffer]))!.AsObject();
            }

            buffer.Add(one[0]);
        }
    }

    private static string? ErrorCode(JsonObject? response) => response?["error"]?["code"]?.GetValue<string>();

    [Fact(Timeout = 60_000)]
    public async Task Socket_IsPrivateToItsOwner()
    {
        var path = await SocketAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("{not json\n", "INVALID_REQUEST", "not JSON")]
    [InlineData("[1,2]\n", "INVALID_REQUEST", "JSON object")]
    [InlineData("{\"id\":\"1\",\"op\":\"format_disk\"}\n", "INVALID_REQUEST", "unknown op 'format_disk'")]
    [InlineData("{\"id\":\"1\"}\n", "INVALID_REQUEST", "'op' is required")]
    [InlineData("{\"id\":\"1\",\"op\":\"exec\",\"argv\":[\"true\"]}\n", "INVALID_REQUEST", "'name' is required")]
    [InlineData("{\"id\":\"1\",\"op\":\"exec\",\"name\":\"nope\",\"argv\":[\"true\"]}\n", "NOT_FOUND", "no child named 'nope'")]
    [InlineData("{\"id\":\"1\",\"op\":\"exec\",\"name\":\"../default\",\"argv\":[\"true\"]}\n", "INVALID_REQUEST", "not a child name")]
    [InlineData("{\"id\":\"1\",\"op\":\"spawn\",\"cpus\":\"lots\"}\n", "INVALID_REQUEST", "'cpus' must be a number")]
    [InlineData("{\"id\":\"1\",\"op\":\"spawn\",\"memory\":\"64g\"}\n", "LIMIT_REACHED", "memoryBudget")]
    [InlineData("{\"id\":\"1\",\"op\":\"spawn\",\"image\":\"localhost/other\"}\n", "PERMISSION_DENIED", "allowedImages")]
    public async Task Request_Bad_GetsAnErrorLineAndTheConnectionStaysUsable(string request, string code, string message)
    {
        using var socket = await ConnectAsync(await SocketAsync());

        var response = await SendAsync(socket, request);
        var ping = await SendAsync(socket, "{\"id\":\"2\",\"op\":\"ping\"}\n");

        Assert.Equal(code, ErrorCode(response));
        Assert.Contains(message, response!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("2", ping?["id"]?.GetValue<string>());
        Assert.True(ping?["result"]?["ok"]?.GetValue<bool>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Request_TenMegabyteLine_IsRefusedAndTheConnectionClosed()
    {
        using var socket = await ConnectAsync(await SocketAsync());
        var flood = Encoding.ASCII.GetBytes("{\"op\":\"ping\",\"pad\":\"" + new string('x', 10 * 1024 * 1024) + "\"}\n");

        var sending = socket.SendAsync(flood, Ct).AsTask();
        var response = await ReadLineAsync(socket);
        var closed = await ReadLineAsync(socket);
        await Record.ExceptionAsync(() => sending);

        Assert.Equal("INVALID_REQUEST", ErrorCode(response));
        Assert.Contains("longer than", response!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(closed);
        using var other = await ConnectAsync(await SocketAsync());
        Assert.True((await SendAsync(other, "{\"op\":\"ping\"}\n"))?["result"]?["ok"]?.GetValue<bool>());
    }

    [Fact(Timeout = 90_000)]
    public async Task Client_Silent_DoesNotHoldUpOthersAndIsHungUpOn()
    {
        var path = await SocketAsync();
        using var silent = await ConnectAsync(path);
        await silent.SendAsync(Encoding.ASCII.GetBytes("{\"op\":\"pi"), Ct);

        using var other = await ConnectAsync(path);
        var answered = await SendAsync(other, "{\"op\":\"ping\"}\n");
        var hungUp = await ReadLineAsync(silent);

        Assert.True(answered?["result"]?["ok"]?.GetValue<bool>());
        Assert.Null(hungUp);
    }

    [Fact(Timeout = 90_000)]
    public async Task Client_DisconnectingMidRequest_LeavesNoUntrackedChild()
    {
        var path = await SocketAsync();
        using (var half = await ConnectAsync(path))
        {
            await half.SendAsync(Encoding.ASCII.GetBytes("{\"op\":\"spawn\",\"na"), Ct);
        }

        using (var impatient = await ConnectAsync(path))
        {
            await impatient.SendAsync(Encoding.ASCII.GetBytes("{\"op\":\"spawn\",\"name\":\"gone\",\"memory\":\"64m\"}\n"), Ct);
        }

        // The spawn whose caller hung up still completes; the child is tracked and counted, not leaked.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement children;
        do
        {
            children = (await Server.CallOkAsync("children", new { parent = "default" }, Ct)).Structured.GetProperty("children");
        }
        while (children.GetArrayLength() == 0 && DateTime.UtcNow < deadline && await Task.Delay(100, Ct).ContinueWith(_ => true, Ct));

        Assert.Equal(["gone"], children.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        await Server.CallOkAsync("destroy_child", new { parent = "default", name = "gone" }, Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Requests_AThousandAtOnce_EachGetAnAnswerOrAClosedConnection()
    {
        var path = await SocketAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            try
            {
                using var socket = await ConnectAsync(path);
                var response = await SendAsync(socket, $"{{\"id\":\"{i}\",\"op\":\"ping\"}}\n");
                return response is null ? "closed" : ErrorCode(response) ?? (response["id"]?.GetValue<string>() == i.ToString(System.Globalization.CultureInfo.InvariantCulture) ? "ok" : "wrong-id");
            }
            catch (SocketException)
            {
                return "refused";
            }
        }));
        using var after = await ConnectAsync(path);
        var stillServing = await SendAsync(after, "{\"op\":\"ping\"}\n");

        Assert.DoesNotContain("wrong-id", outcomes);
        Assert.All(outcomes, o => Assert.Contains(o, AcceptableOutcomes));
        Assert.True(outcomes.Count(o => o == "ok") >= 32, string.Join(",", outcomes.GroupBy(o => o).Select(g => $"{g.Key}={g.Count()}")));
        Assert.True(stillServing?["result"]?["ok"]?.GetValue<bool>());
    }
}
