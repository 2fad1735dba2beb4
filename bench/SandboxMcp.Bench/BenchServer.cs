using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SandboxMcp.Bench;

/// <summary>The server under measurement, started over stdio exactly as an MCP client starts it.</summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly string _root;

    private BenchServer(string root, McpClient client)
    {
        _root = root;
        Client = client;
    }

    public McpClient Client { get; }

    /// <summary>The server's working directory (its only host root), with HOME, config and state below it.</summary>
    public string Root => _root;

    /// <summary>The server's state directory (container names derive from it).</summary>
    public string StateDirectory => Path.Combine(_root, "state", "sandbox-mcp");

    /// <summary>The server assembly: a ReadyToRun publish when SBXBENCH_SERVER points at one, else the copy built with the bench.</summary>
    public static string ServerDll =>
        Environment.GetEnvironmentVariable("SBXBENCH_SERVER") is { Length: > 0 } dll ? Path.GetFullPath(dll) : Path.Combine(AppContext.BaseDirectory, "SandboxMcp.dll");

    /// <summary>The dotnet host running the bench, used to start the server.</summary>
    public static string DotnetHost => Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet";

    /// <summary>Starts the server as a bare process with its HOME, config and state under <paramref name="root"/>.</summary>
    public static System.Diagnostics.Process StartProcess(string root)
    {
        var info = new System.Diagnostics.ProcessStartInfo(DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(ServerDll);
        info.Environment["HOME"] = root;
        info.Environment["XDG_STATE_HOME"] = Path.Combine(root, "state");
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(root, "config");
        return System.Diagnostics.Process.Start(info)!;
    }

    public static async Task<BenchServer> StartAsync(string configJson, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("sbx-bench-").FullName;
        var config = Path.Combine(root, "config", "sandbox-mcp", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        await File.WriteAllTextAsync(config, configJson, cancellationToken);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "bench",
            Command = DotnetHost,
            Arguments = [ServerDll],
            WorkingDirectory = root,
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["HOME"] = Path.Combine(root, "home"),
                ["XDG_CONFIG_HOME"] = Path.Combine(root, "config"),
                ["XDG_STATE_HOME"] = Path.Combine(root, "state"),
            },
            ShutdownTimeout = TimeSpan.FromSeconds(30),
        });
        return new BenchServer(root, await McpClient.CreateAsync(transport, cancellationToken: cancellationToken));
    }

    public async Task<JsonElement> CallAsync(string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var result = await Client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"{tool} failed: {string.Join(" ", result.Content.OfType<TextContentBlock>().Select(t => t.Text))}");
        }

        return result.StructuredContent ?? default;
    }

    public Task<JsonElement> ExecAsync(string command, string sandbox, CancellationToken cancellationToken) =>
        CallAsync("exec", new() { ["command"] = command, ["sandbox"] = sandbox }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }
}
