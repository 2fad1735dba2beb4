using System.Reflection;

namespace SandboxMcp.Hosting;

/// <summary>The flags handled before the host starts: <c>--help</c> and <c>--version</c>.</summary>
public static class CommandLine
{
    /// <summary>The informational version of this build.</summary>
    public static string Version { get; } =
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Text for <c>--help</c>.</summary>
    public static string Help => $"""
        sandbox-mcp {Version}: an MCP stdio server that gives AI agents sandboxes on this machine.

        Usage: sandbox-mcp [--key value ...]
          Speaks MCP (JSON-RPC) on stdin/stdout; logs go to stderr and to the state directory.

        Options (each also a config.json key or a SANDBOXMCP_ environment variable):
          --defaultTier auto|vm|seatbelt|native   tier for new sandboxes (default auto: the strongest available)
          --engine auto|apple|podman|docker       container engine for the vm tier
          --defaultImage IMAGE                    image for vm sandboxes
          --idleTtlSeconds N                      destroy sandboxes idle this long (default 1800; 0 = never)
          --defaultTimeoutSeconds N               exec timeout when a call gives none (default 30)
          --maxOutputBytes N                      stdout/stderr kept per command (default 50000)
          --logLevel LEVEL                        Trace, Debug, Information (default), Warning, Error
          --help, --version

        Files:
          config   $XDG_CONFIG_HOME/sandbox-mcp/config.json (default ~/.config/sandbox-mcp/config.json)
          state    $XDG_STATE_HOME/sandbox-mcp (default ~/.local/state/sandbox-mcp): state.json, logs/, sandboxes/

        Register with Claude Code:  claude mcp add sandbox -- sandbox-mcp
        """;
}
