namespace SandboxMcp.Ports;

/// <summary>The result of <c>network_info</c>: this server's forwards, and every sandbox's addresses and neighbours.</summary>
/// <param name="Forwards">Forwards of this server process, by host port.</param>
/// <param name="Sandboxes">Every sandbox of the state directory.</param>
public sealed record NetworkInfo(IReadOnlyList<ForwardInfo> Forwards, IReadOnlyList<SandboxNetwork> Sandboxes);
