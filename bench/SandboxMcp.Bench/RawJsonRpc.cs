using System.Globalization;
using System.Text;

namespace SandboxMcp.Bench;

/// <summary>
/// The server driven by a minimal MCP client: hand-written JSON-RPC lines over its stdio (initialize, initialized,
/// tools/call), read with the same async pipe reads as the floor's client. Separates the server's own cost from the
/// client library's.
/// </summary>
public static class RawJsonRpc
{
    public static async Task<Stats> MeasureExecAsync(string configJson, TimeSpan warmup, int calls, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("sbx-bench-raw-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "config", "sandbox-mcp"));
        await File.WriteAllTextAsync(Path.Combine(root, "config", "sandbox-mcp", "config.json"), configJson, cancellationToken);
        using var process = BenchServer.StartProcess(root);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var stdin = process.StandardInput;
        var stdout = process.StandardOutput;
        var id = 0;

        async Task CallAsync(string method, string parameters)
        {
            var requestId = ++id;
            await stdin.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $$"""{"jsonrpc":"2.0","id":{{requestId}},"method":"{{method}}","params":{{parameters}}}"""));
            await stdin.FlushAsync(cancellationToken);
            var marker = string.Create(CultureInfo.InvariantCulture, $"\"id\":{requestId},");
            while (await stdout.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Contains(marker, StringComparison.Ordinal) || line.EndsWith(string.Create(CultureInfo.InvariantCulture, $"\"id\":{requestId}}}"), StringComparison.Ordinal))
                {
                    return;
                }
            }

            throw new InvalidOperationException("server closed stdout");
        }

        await CallAsync("initialize", """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}""");
        await stdin.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        const string exec = """{"name":"exec","arguments":{"command":"echo hi","sandbox":"raw"}}""";
        var stats = await Timing.MeasureAsync("MCP exec 'echo hi' (minimal JSON-RPC client)", warmup, calls, () => CallAsync("tools/call", exec));
        stdin.Close();
        await process.WaitForExitAsync(cancellationToken);
        Directory.Delete(root, recursive: true);
        return stats;
    }
}
