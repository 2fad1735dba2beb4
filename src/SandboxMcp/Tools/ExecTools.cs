using System.ComponentModel;
using System.Security.Cryptography;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Common;
using SandboxMcp.Manager;

namespace SandboxMcp.Tools;

/// <summary>Running commands and code in a sandbox's persistent shell.</summary>
[McpServerToolType]
public sealed class ExecTools(SandboxManager manager)
{
    /// <summary>Runs a shell command.</summary>
    [McpServerTool(Name = "exec", Title = "Run a shell command", Destructive = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(CommandResult))]
    [Description("Run a shell command in a sandbox's persistent sh, like a terminal: `cd` and `export` persist between calls, stdin is /dev/null. Returns stdout, stderr (each capped, with the number of bytes cut), exit code and duration. On timeout the command and everything it started are killed and the sandbox stays usable; use `bg` for servers and long jobs. The sandbox is created on first use.")]
    public async Task<CallToolResult> ExecAsync(
        [Description("Shell command line, e.g. \"ls -la && python3 --version\".")] string command,
        [Description("Sandbox name (default \"default\"); created on first use.")] string sandbox = "default",
        [Description("Seconds before the command is killed (default 30, max 3600).")] double? timeout = null,
        [Description("Directory to run this one command in (absolute, or relative to the current directory); the shell's own directory is unchanged.")] string? workdir = null,
        CancellationToken cancellationToken = default)
    {
        InputValidation.ShellText(command, nameof(command));
        var limit = InputValidation.Timeout(timeout, manager.Options.DefaultTimeoutSeconds, manager.Options.MaxTimeoutSeconds);
        if (workdir is not null)
        {
            InputValidation.SandboxPath(workdir, nameof(workdir));
        }

        var result = await manager.UseAsync(
            sandbox,
            s => s.ExecAsync(command, workdir, limit, "exec", command, cancellationToken),
            cancellationToken);
        return ToolResults.Command(result);
    }

    /// <summary>Runs Python code.</summary>
    [McpServerTool(Name = "python", Title = "Run Python code", Destructive = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(CommandResult))]
    [Description("Run Python 3 code in a sandbox (python3, in the shell's current directory and environment). Print what you want to see. Returns stdout, stderr, exit code and duration, like exec.")]
    public async Task<CallToolResult> PythonAsync(
        [Description("Python source, e.g. \"import sys\\nprint(sys.version)\".")] string code,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("Seconds before the run is killed (default 30, max 3600).")] double? timeout = null,
        CancellationToken cancellationToken = default)
    {
        InputValidation.ShellText(code, nameof(code));
        var limit = InputValidation.Timeout(timeout, manager.Options.DefaultTimeoutSeconds, manager.Options.MaxTimeoutSeconds);
        var result = await manager.UseAsync(
            sandbox,
            s => s.ExecAsync(PythonCommand(code), null, limit, "python", FirstLine(code), cancellationToken),
            cancellationToken);
        return ToolResults.Command(result);
    }

    /// <summary>Sets, unsets or lists environment variables.</summary>
    [McpServerTool(Name = "env", Title = "Environment variables", Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Manage a sandbox's environment variables. action \"set\" (name, value) and \"unset\" (name) apply to the shell and every later process, and survive shell restarts and server restarts; \"list\" shows the shell's exported variables.")]
    public async Task<CallToolResult> EnvAsync(
        [Description("\"set\", \"unset\" or \"list\".")] string action,
        [Description("Variable name for set/unset, e.g. \"API_URL\".")] string? name = null,
        [Description("Value for set.")] string? value = null,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        switch (action)
        {
            case "set":
                InputValidation.EnvKey(name);
                if (value is null || value.Contains('\0', StringComparison.Ordinal))
                {
                    throw new SandboxException("'value' is required for action \"set\" and cannot contain NUL.");
                }

                await manager.SetEnvAsync(sandbox, name!, value, cancellationToken);
                return ToolResults.Structured($"{name} set", new { action, name });
            case "unset":
                InputValidation.EnvKey(name);
                await manager.SetEnvAsync(sandbox, name!, null, cancellationToken);
                return ToolResults.Structured($"{name} unset", new { action, name });
            case "list":
                var listed = await manager.UseAsync(
                    sandbox,
                    s => s.ExecAsync("env", null, TimeSpan.FromSeconds(30), "env", "list", cancellationToken),
                    cancellationToken);
                var variables = EnvParser.Parse(listed.Stdout);
                return ToolResults.Structured(listed.Stdout, new { action, variables });
            default:
                throw new SandboxException($"Unknown action '{InputValidation.Printable(action)}': use \"set\", \"unset\" or \"list\".");
        }
    }

    /// <summary>Python through a here-document: no argument-size limit, no quoting of the code, stdin at EOF.</summary>
    internal static string PythonCommand(string code)
    {
        var delimiter = "__MCP_PY_" + RandomNumberGenerator.GetHexString(16, lowercase: true);
        var body = code.EndsWith('\n') ? code : code + "\n";
        return "if command -v python3 >/dev/null 2>&1; then __mcp_py=python3; elif command -v python >/dev/null 2>&1; then __mcp_py=python; "
            + "else echo 'python3 is not installed in this sandbox: install it (e.g. apt-get install -y python3) or use a sandbox image that has it' >&2; (exit 127); fi "
            + $"&& \"$__mcp_py\" - <<'{delimiter}'\n{body}{delimiter}\n";
    }

    private static string FirstLine(string code)
    {
        var line = code.TrimStart().Split('\n', 2)[0];
        return line.Length > 120 ? line[..120] + "…" : line;
    }
}
