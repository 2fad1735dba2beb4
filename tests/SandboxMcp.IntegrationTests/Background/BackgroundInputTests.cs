using System.Text.Json;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Background;

/// <summary>Bad input to bg, logs and kill gets a tool error that says what to do (native tier: the checks are the same everywhere).</summary>
public sealed class BackgroundInputTests : ServerTest
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "bg", """{"command":""}""", "'command' is empty" },
        { "bg", """{"command":"true","restart":"sometimes"}""", "use one of \"no\", \"on-failure\", \"always\", \"unless-stopped\"" },
        { "bg", """{"command":"true","max_memory_mb":0}""", "Invalid max_memory_mb 0" },
        { "bg", """{"command":"true","health":{"type":"http"}}""", "type \"http\" needs 'url'" },
        { "bg", """{"command":"true","health":{"type":"tcp","port":1,"every":3}}""", "unknown key 'every'" },
        { "bg", """{"command":"true","workdir":"/does/not/exist"}""", "could not start" },
        { "logs", """{"id":"bg-000000","tail":0}""", "Invalid tail 0" },
        { "logs", """{"id":"bg-000000","stream":"stdin"}""", "Invalid stream 'stdin'" },
        { "kill", """{"id":"bg-000000","signal":"STOP"}""", "Invalid signal 'STOP'" },
        { "logs", """{"id":"bg-000000","sandbox":"never-created"}""", "There is no sandbox named 'never-created'" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Cases))]
    public async Task Tool_BadInput_ReturnsAToolErrorThatSaysWhatToDo(string tool, string argumentsJson, string expected)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson)!;

        var error = await Server.CallErrorAsync(tool, arguments, Ct);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Logs_UnknownId_ListsTheIdsThatExist()
    {
        var id = (await Server.CallOkAsync("bg", new { command = "sleep 30" }, Ct)).Get("id");

        var error = await Server.CallErrorAsync("logs", new { id = "bg-ffffff" }, Ct);
        var killError = await Server.CallErrorAsync("kill", new { id = "nope" }, Ct);

        Assert.Contains($"No background process 'bg-ffffff': its background processes are {id} (running: sleep 30)", error, StringComparison.Ordinal);
        Assert.Contains(id, killError, StringComparison.Ordinal);
        await Server.CallOkAsync("kill", new { id, signal = "KILL" }, Ct);
    }
}
