namespace SandboxMcp.Ports;

/// <summary>One port forward as tools report it.</summary>
/// <param name="Sandbox">The sandbox whose port is forwarded.</param>
/// <param name="Port">The port inside the sandbox.</param>
/// <param name="HostPort">The port on the host's 127.0.0.1.</param>
/// <param name="Url">Where a browser or HttpClient on the host reaches it, e.g. <c>http://127.0.0.1:8000/</c>.</param>
/// <param name="Tunnel">How connections travel: the server's own socket, one multiplexed python3 tunnel process, or a process per connection.</param>
/// <param name="OpenConnections">Connections open now.</param>
/// <param name="Connections">Connections accepted so far.</param>
/// <param name="DirectConnections">Of those, the ones the server connected itself, without a tunnel process in the sandbox.</param>
/// <param name="TunnelledConnections">Of those, the ones carried by a tunnel inside the sandbox.</param>
/// <param name="TunnelProcesses">Tunnel processes started in the sandbox so far: one per forward with the multiplexed tunnel (more only when one died), one per tunnelled connection without it.</param>
/// <param name="FailedConnections">Connections that ended in an error (e.g. nothing listening on the port).</param>
/// <param name="BytesToSandbox">Bytes sent into the sandbox.</param>
/// <param name="BytesFromSandbox">Bytes sent back to the host.</param>
/// <param name="LastError">The most recent connection error, if any.</param>
/// <param name="Since">When the forward started.</param>
public sealed record ForwardInfo(
    string Sandbox,
    int Port,
    int HostPort,
    string Url,
    string Tunnel,
    int OpenConnections,
    long Connections,
    long DirectConnections,
    long TunnelledConnections,
    long TunnelProcesses,
    long FailedConnections,
    long BytesToSandbox,
    long BytesFromSandbox,
    string? LastError,
    DateTimeOffset Since);
