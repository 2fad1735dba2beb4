using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Shell;

/// <summary>A command that prints a gigabyte leaves the server's memory flat: output past the cap is drained, not kept.</summary>
public sealed class OutputFloodTests
{
    [Fact(Timeout = 180_000)]
    public async Task Exec_GigabyteOfOutput_ReturnsTruncatedAndServerMemoryGrowsLessThan50MB()
    {
        var ct = TestContext.Current.CancellationToken;
        Engines.Require("native");
        await using var server = await ServerHarness.StartAsync(new ServerOptions { Config = new JsonObject { ["defaultTier"] = "native" } }, ct);
        var serverPid = int.Parse((await server.ExecAsync("echo $PPID", cancellationToken: ct)).Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // A small flood first, so the baseline includes the drain path's code and buffers (JIT, tiering, pools):
        // what is measured is growth with the amount of output, which would be a gigabyte if output were kept.
        await server.ExecAsync("yes 2>/dev/null | head -c 20000000; yes err 2>/dev/null | head -c 2000000 >&2", timeout: 60, cancellationToken: ct);
        var peakBefore = ProcessProbe.StatusKilobytes(serverPid, "VmHWM");

        var flood = await server.ExecAsync("yes 2>/dev/null | head -c 1000000000; yes err 2>/dev/null | head -c 100000000 >&2", timeout: 170, cancellationToken: ct);

        var peakAfter = ProcessProbe.StatusKilobytes(serverPid, "VmHWM");
        TestContext.Current.SendDiagnosticMessage($"server peak RSS before {peakBefore} kB, after {peakAfter} kB, duration {flood.Number("duration_ms")} ms");
        Assert.Equal(0, flood.ExitCode);
        Assert.Equal(50_000, flood.Stdout.Length);
        Assert.Equal(1_000_000_000 - 50_000, flood.Number("stdout_truncated_bytes"));
        Assert.Equal(100_000_000 - 50_000, flood.Number("stderr_truncated_bytes"));
        Assert.True(peakAfter - peakBefore < 50 * 1024, $"server peak RSS grew by {(peakAfter - peakBefore) / 1024} MB");
    }
}
