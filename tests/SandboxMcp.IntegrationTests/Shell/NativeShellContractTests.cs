namespace SandboxMcp.IntegrationTests.Shell;

/// <summary>The persistent-shell contract on the native tier (host processes).</summary>
public sealed class NativeShellContractTests : ShellContractTests
{
    // The defaults of ServerTest: every sandbox native.
}
