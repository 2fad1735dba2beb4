using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Server;

/// <summary>The README's run command, <c>./sandbox-mcp</c>, exactly as an MCP client starts it.</summary>
public sealed class RunScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A first start publishes the server (test.sh does it before the tests, so this rarely waits for it).
    [Fact(Timeout = 20 * 60_000)]
    public async Task RunCommand_StartsAServerThatAnswersInitializeListsToolsAndRunsACommand()
    {
        using var root = new TempDirectory("sbx-script");
        var home = Path.Combine(root.Path, "home");
        Directory.CreateDirectory(home);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "readme-run-command",
            Command = Path.Combine(TestPaths.RepositoryRoot, "sandbox-mcp"),
            Arguments = ["--defaultTier", "native"],
            WorkingDirectory = home,
            EnvironmentVariables = ServerHarness.BaseEnvironment(root.Path),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        });

        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = TimeSpan.FromMinutes(15) }, cancellationToken: Ct);
        var tools = await client.ListToolsAsync(cancellationToken: Ct);
        var result = await client.CallToolAsync("exec", new Dictionary<string, object?> { ["command"] = "echo hi from $(basename \"$HOME\")" }, cancellationToken: Ct);

        Assert.Equal("sandbox-mcp", client.ServerInfo?.Name);
        Assert.Contains(tools, t => t.Name == "exec");
        Assert.Contains(tools, t => t.Name == "destroy_child");
        Assert.NotEqual(true, result.IsError);
        Assert.Equal(0, result.StructuredContent!.Value.GetProperty("exit_code").GetInt32());
        Assert.StartsWith("hi from ", result.StructuredContent!.Value.GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(TestPaths.RepositoryRoot, ".cache", "server", ".built")), "the run command keeps its build in .cache/server");
    }
}
