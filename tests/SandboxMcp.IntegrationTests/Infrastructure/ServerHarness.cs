using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>How to start a server under test.</summary>
public sealed record ServerOptions
{
    /// <summary>Directory holding HOME, config and state; a fresh one when null. Share it to run several servers on one state.</summary>
    public string? Root { get; init; }

    /// <summary>config.json contents written before start (camelCase keys), or null for none.</summary>
    public JsonObject? Config { get; init; }

    /// <summary>Extra command-line arguments.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Extra environment variables for the server (null removes one).</summary>
    public IReadOnlyDictionary<string, string?> Env { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// The built server started as a child process and driven by the MCP C# client over stdio, exactly as an agent's
/// client would. Each harness gets its own HOME, config and state directories unless given a shared root.
/// </summary>
public sealed class ServerHarness : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TempDirectory? _ownedRoot;

    private ServerHarness(string root, TempDirectory? ownedRoot, McpClient client)
    {
        Root = root;
        _ownedRoot = ownedRoot;
        Client = client;
    }

    /// <summary>The MCP client connected to the server.</summary>
    public McpClient Client { get; private set; }

    /// <summary>Root of HOME, config and state.</summary>
    public string Root { get; }

    /// <summary>The server's HOME.</summary>
    public string Home => Path.Combine(Root, "home");

    /// <summary>The server's state directory (<c>$XDG_STATE_HOME/sandbox-mcp</c>).</summary>
    public string StateDirectory => Path.Combine(Root, "state", "sandbox-mcp");

    /// <summary>Lines the server wrote to stderr so far.</summary>
    public string Stderr => string.Join('\n', _stderr);

    /// <summary>Starts a server and connects a client to it.</summary>
    public static async Task<ServerHarness> StartAsync(ServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ServerOptions();
        TempDirectory? owned = null;
        var root = options.Root ?? (owned = new TempDirectory("sbx-server")).Path;
        var harness = new ServerHarness(root, owned, null!);
        harness.Client = await harness.ConnectAsync(options, cancellationToken);
        return harness;
    }

    /// <summary>Environment every test server gets: isolated HOME, XDG dirs, nothing from SANDBOXMCP_* of the test run.</summary>
    public static Dictionary<string, string?> BaseEnvironment(string root)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = Path.Combine(root, "home"),
            ["XDG_CONFIG_HOME"] = Path.Combine(root, "config"),
            ["XDG_STATE_HOME"] = Path.Combine(root, "state"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("SANDBOXMCP_", StringComparison.Ordinal)))
        {
            env[key] = null;
        }

        return env;
    }

    private async Task<McpClient> ConnectAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Home);
        if (options.Config is { } config)
        {
            var file = Path.Combine(Root, "config", "sandbox-mcp", "config.json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, config.ToJsonString(), cancellationToken);
        }

        var env = BaseEnvironment(Root);
        foreach (var (key, value) in options.Env)
        {
            env[key] = value;
        }

        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "sandbox-mcp-under-test",
            Command = TestPaths.DotnetHost,
            Arguments = [TestPaths.ServerDll, .. options.Args],
            WorkingDirectory = Home,
            EnvironmentVariables = env,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            StandardErrorLines = line => _stderr.Enqueue(line),
        });
        return await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);
    }

    /// <summary>Stops the server (stdin EOF) and starts a new one on the same directories.</summary>
    public async Task RestartAsync(ServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Client.DisposeAsync();
        Client = await ConnectAsync((options ?? new ServerOptions()) with { Root = Root }, cancellationToken);
    }

    /// <summary>Calls a tool and returns the raw result.</summary>
    public async Task<CallToolResult> CallAsync(string tool, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var args = arguments is null
            ? new Dictionary<string, object?>()
            : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;
        return await Client.CallToolAsync(tool, args, cancellationToken: cancellationToken);
    }

    /// <summary>Calls a tool that must succeed and returns its result.</summary>
    public async Task<ToolOutcome> CallOkAsync(string tool, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(tool, arguments, cancellationToken);
        var outcome = new ToolOutcome(result);
        Assert.False(result.IsError == true, $"{tool} failed: {outcome.Text}\n--- server stderr ---\n{Stderr}");
        return outcome;
    }

    /// <summary>Calls a tool that must fail and returns its error text.</summary>
    public async Task<string> CallErrorAsync(string tool, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(tool, arguments, cancellationToken);
        var outcome = new ToolOutcome(result);
        Assert.True(result.IsError == true, $"{tool} should have failed but returned: {outcome.Text}");
        return outcome.Text;
    }

    /// <summary>Runs a command with exec and returns its result.</summary>
    public Task<ToolOutcome> ExecAsync(string command, string sandbox = "default", double? timeout = null, string? workdir = null, CancellationToken cancellationToken = default) =>
        CallOkAsync("exec", new { command, sandbox, timeout, workdir }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        _ownedRoot?.Dispose();
    }
}

/// <summary>A tool result with convenient access to its text and structured content.</summary>
public sealed class ToolOutcome(CallToolResult result)
{
    /// <summary>The raw result.</summary>
    public CallToolResult Result => result;

    /// <summary>All text content joined.</summary>
    public string Text => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    /// <summary>The structured content.</summary>
    public JsonElement Structured => result.StructuredContent ?? throw new InvalidOperationException("No structured content: " + Text);

    /// <summary>A string property of the structured content.</summary>
    public string Get(string name) => Structured.GetProperty(name).GetString() ?? "";

    /// <summary>An integer property of the structured content.</summary>
    public long Number(string name) => Structured.GetProperty(name).GetInt64();

    /// <summary>A boolean property of the structured content.</summary>
    public bool Bool(string name) => Structured.GetProperty(name).GetBoolean();

    /// <summary>exit_code of a command result.</summary>
    public int ExitCode => (int)Number("exit_code");

    /// <summary>stdout of a command result.</summary>
    public string Stdout => Get("stdout");

    /// <summary>stderr of a command result.</summary>
    public string Stderr => Get("stderr");
}
