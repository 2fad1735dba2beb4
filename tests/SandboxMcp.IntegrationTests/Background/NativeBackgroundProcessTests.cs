namespace SandboxMcp.IntegrationTests.Background;

/// <summary>Background processes on the native tier (host processes).</summary>
public sealed class NativeBackgroundProcessTests : BackgroundProcessTests
{
    // The defaults of ServerTest: every sandbox native.
}
