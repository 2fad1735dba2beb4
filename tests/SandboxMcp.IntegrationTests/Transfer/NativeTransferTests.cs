namespace SandboxMcp.IntegrationTests.Transfer;

/// <summary>Transfers on the native tier (host processes).</summary>
public sealed class NativeTransferTests : TransferTests;
