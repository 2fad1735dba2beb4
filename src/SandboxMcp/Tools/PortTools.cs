using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Manager;
using SandboxMcp.Ports;

namespace SandboxMcp.Tools;

#pragma warning disable CA1707 // MCP argument names are the C# parameter names, and the tool contract says host_port.

/// <summary>Port forwarding from the host's 127.0.0.1 into sandboxes, and the network picture.</summary>
[McpServerToolType]
public sealed class PortTools(SandboxManager manager)
{
    /// <summary>Forwards a sandbox port to the host.</summary>
    [McpServerTool(Name = "expose", Title = "Forward a sandbox port to the host", Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(ExposeResult))]
    [Description("Forward a TCP port of the sandbox to 127.0.0.1 on the host (loopback only, never other machines), e.g. a dev server started with bg. The host port is the same number unless it is taken (then the next free one; ports below 1024 map to 8000+port); the result says which and why. Works on every tier. Forwards end with unexpose, or when the sandbox is destroyed or reset.")]
    public async Task<CallToolResult> ExposeAsync(
        [Description("TCP port inside the sandbox, 1-65535 (e.g. 8000).")] int port,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("Host port to listen on, 1-65535 (default: the same as port, or the next free one). An occupied host_port is an error, never shared.")] int? host_port = null,
        CancellationToken cancellationToken = default)
    {
        var result = await manager.ExposeAsync(sandbox, port, host_port, cancellationToken);
        var f = result.Forward;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{(result.AlreadyExposed ? "Already forwarded" : "Forwarding")} 127.0.0.1:{f.HostPort} -> {f.Sandbox}:{f.Port} ({f.Url}; tunnel: {f.Tunnel})");
        if (result.Note is { } note)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[note: {note}]");
        }

        return ToolResults.Structured(text.ToString(), result);
    }

    /// <summary>Stops a forward.</summary>
    [McpServerTool(Name = "unexpose", Title = "Stop a port forward", Destructive = true, Idempotent = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(ForwardInfo))]
    [Description("Stop the forward listening on a host port and close its open connections. network_info lists the forwards.")]
    public async Task<CallToolResult> UnexposeAsync(
        [Description("The host port the forward listens on (as expose returned it, e.g. 8000).")] int host_port,
        CancellationToken cancellationToken = default)
    {
        var f = await manager.UnexposeAsync(host_port, cancellationToken);
        return ToolResults.Structured(
            string.Create(CultureInfo.InvariantCulture, $"Stopped 127.0.0.1:{f.HostPort} -> {f.Sandbox}:{f.Port} ({f.Connections} connections, {f.FailedConnections} failed, {f.BytesToSandbox} bytes in, {f.BytesFromSandbox} bytes out)"),
            f);
    }

    /// <summary>Lists forwards and sandbox networks.</summary>
    [McpServerTool(Name = "network_info", Title = "Forwards and sandbox networks", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(NetworkInfo))]
    [Description("List this server's port forwards (sandbox port, host port, how connections travel: direct or one multiplexed tunnel process, open/tunnelled connections, bytes, errors), every sandbox's IP addresses and subnets as seen inside it, and which sandboxes reach each other directly (same network namespace, or a common subnet). Creates nothing.")]
    public async Task<CallToolResult> NetworkInfoAsync(CancellationToken cancellationToken = default)
    {
        var info = await manager.NetworkInfoAsync(cancellationToken);
        var text = new StringBuilder(info.Forwards.Count == 0 ? "No forwards (expose creates one).\n" : "Forwards:\n");
        foreach (var f in info.Forwards)
        {
            text.Append(CultureInfo.InvariantCulture, $"127.0.0.1:{f.HostPort} -> {f.Sandbox}:{f.Port}\t{f.OpenConnections} open, {f.Connections} total, {f.FailedConnections} failed\t{f.BytesToSandbox} bytes in, {f.BytesFromSandbox} bytes out");
            text.Append(f.LastError is { } error ? $"\tlast error: {error}" : "").Append('\n');
        }

        text.Append(info.Sandboxes.Count == 0 ? "No sandboxes.\n" : "Sandboxes:\n");
        foreach (var s in info.Sandboxes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Sandbox}\t{s.Tier}, network {s.Network}");
            text.Append(s.Detail is { } detail
                ? $"\tunknown: {detail}"
                : $"\taddresses {(s.Addresses.Count == 0 ? "none (loopback only)" : string.Join(", ", s.Addresses))}\treaches {(s.Reaches.Count == 0 ? "no other sandbox" : string.Join(", ", s.Reaches))}");
            text.Append('\n');
        }

        return ToolResults.Structured(text.ToString(), info);
    }
}
