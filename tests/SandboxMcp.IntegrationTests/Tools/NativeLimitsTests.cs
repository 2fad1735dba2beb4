using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Tools;

/// <summary>The native tier's limits are real: the watchdog kills what passes them and the result says why.</summary>
public sealed class NativeLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServerOptions Limited(string memory = "64m", int pids = 1024) => new()
    {
        Config = new JsonObject
        {
            ["defaultTier"] = "native",
            ["sandboxDefaults"] = new JsonObject { ["memory"] = memory, ["pids"] = pids },
        },
    };

    [Fact(Timeout = 60_000)]
    public async Task Exec_OverMemoryLimit_IsKilledAndTheResultSaysOutOfMemory()
    {
        Engines.Require("native");
        await using var server = await ServerHarness.StartAsync(Limited("64m"), Ct);

        var result = await server.ExecAsync("python3 -c 'import time; b = bytearray(300 * 1024 * 1024); time.sleep(30)'", timeout: 50, cancellationToken: Ct);
        var next = await server.ExecAsync("echo fine", cancellationToken: Ct);

        Assert.Equal(137, result.ExitCode);
        Assert.Contains("out of memory: limit 64m", result.Get("note"), StringComparison.Ordinal);
        Assert.Equal("fine\n", next.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_OverProcessLimit_IsKilledAndTheResultSaysSo()
    {
        Engines.Require("native");
        await using var server = await ServerHarness.StartAsync(Limited(pids: 20), Ct);

        var result = await server.ExecAsync("for i in $(seq 1 60); do sleep 30 & done; sleep 30", timeout: 50, cancellationToken: Ct);
        var next = await server.ExecAsync("echo fine", cancellationToken: Ct);

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(result.Bool("timed_out"));
        Assert.Contains("process limit", result.Get("note"), StringComparison.Ordinal);
        Assert.Equal("fine\n", next.Stdout);
    }
}
