using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests;

public sealed class SmokeTests
{
    [Fact(Timeout = 60_000)]
    public async Task Exec_EchoOverStdio_ReturnsOutput()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ServerHarness.StartAsync(cancellationToken: ct);
        var result = await server.ExecAsync("echo hello", cancellationToken: ct);
        Assert.Equal("hello\n", result.Stdout);
        Assert.Equal(0, result.ExitCode);
    }
}
