using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Tools;

/// <summary>Every kind of bad input gets a tool error that says what to do, and the server lives on.</summary>
public sealed class BadInputTests : ServerTest
{

    public static TheoryData<string, string, string> Cases => new()
    {
        { "exec", """{"command":"true","sandbox":"Has Spaces"}""", "Invalid sandbox name" },
        { "exec", """{"command":"true","sandbox":"../escape"}""", "Invalid sandbox name" },
        { "exec", """{"command":"true","sandbox":"UPPER"}""", "Invalid sandbox name" },
        { "exec", "{\"command\":\"true\",\"sandbox\":\"" + new string('a', 64) + "\"}", "Invalid sandbox name" },
        { "exec", """{"command":""}""", "'command' is empty" },
        { "exec", """{"command":"echo a\u0000b"}""", "NUL" },
        { "exec", """{"command":"true","timeout":-1}""", "Invalid timeout" },
        { "exec", """{"command":"true","timeout":0}""", "Invalid timeout" },
        { "exec", """{"command":"true","timeout":100000000}""", "Invalid timeout" },
        { "python", """{"code":"print(1)","timeout":-5}""", "Invalid timeout" },
        { "env", """{"action":"set","name":"1BAD","value":"x"}""", "Invalid environment variable name" },
        { "env", """{"action":"set","name":"A-B","value":"x"}""", "Invalid environment variable name" },
        { "env", """{"action":"set","name":"OK"}""", "'value' is required" },
        { "env", """{"action":"remove","name":"OK"}""", "Unknown action" },
        { "read_file", """{"path":"/does/not/exist.txt"}""", "does not exist" },
        { "read_file", """{"path":"/tmp"}""", "is a directory" },
        { "read_file", """{"path":"x.txt","offset":0}""", "Invalid offset" },
        { "read_file", """{"path":"x.txt","limit":0}""", "Invalid limit" },
        { "read_file", """{"path":"/bin/sh"}""", "looks binary" },
        { "write_file", """{"path":"/tmp","content":"x"}""", "is a directory" },
        { "write_file", """{"path":"newdir/","content":"x"}""", "is a directory path" },
        { "write_file", """{"path":"/etc/passwd/child","content":"x"}""", "Could not write" },
        { "write_file", """{"path":"b.bin","content":"***","encoding":"base64"}""", "not valid base64" },
        { "write_file", """{"path":"b.bin","content":"x","encoding":"latin1"}""", "Unknown encoding" },
        { "write_file", """{"path":"","content":"x"}""", "'path' is empty" },
        { "batch_write", """{"files":{}}""", "'files' is empty" },
        { "destroy", """{"sandbox":"never-created"}""", "There is no sandbox named 'never-created'" },
        { "create", """{"sandbox":"c1","tier":"quantum"}""", "Unknown tier" },
        { "create", """{"sandbox":"c2","memory":"lots"}""", "Invalid memory" },
        { "create", """{"sandbox":"c3","network":"internet"}""", "Invalid network" },
        { "create", """{"sandbox":"c4","cpus":-1}""", "Invalid cpus" },
        { "create", """{"sandbox":"c5","tier":"native","network":"none"}""", "cannot switch the network off" },
        { "history", """{"limit":0}""", "Invalid limit" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Cases))]
    public async Task Tool_BadInput_ReturnsToolErrorAndServerLivesOn(string tool, string argumentsJson, string expected)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson)!;

        var error = await Server.CallErrorAsync(tool, arguments, Ct);
        var next = await Server.ExecAsync("echo alive", cancellationToken: Ct);

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal("alive\n", next.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_MissingRequiredArgument_IsAProtocolOrToolError()
    {
        var result = await Record.ExceptionAsync(async () =>
        {
            var outcome = await Server.CallAsync("exec", new { sandbox = "default" }, Ct);
            Assert.True(outcome.IsError);
        });
        var next = await Server.ExecAsync("echo alive", cancellationToken: Ct);

        Assert.True(result is null or ModelContextProtocol.McpException, result?.ToString());
        Assert.Equal("alive\n", next.Stdout);
    }
}
