namespace SandboxMcp.IntegrationTests.Ports;

/// <summary>Port forwarding on the native tier (host processes, the host's network).</summary>
public sealed class NativePortForwardingTests : PortForwardingTests;
