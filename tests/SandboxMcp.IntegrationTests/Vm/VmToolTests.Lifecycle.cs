using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Vm;

public abstract partial class VmToolTests
{
    [Fact(Timeout = 120_000)]
    public async Task ServerRestart_ReconnectsWithFilesEnvAndDirectory()
    {
        await Server.CallOkAsync("write_file", new { path = "/workspace/persist.txt", content = "still here" }, Ct);
        await Server.CallOkAsync("env", new { action = "set", name = "TOOL_VAR", value = "from env tool" }, Ct);
        await Server.ExecAsync("mkdir -p /workspace/sub && cd /workspace/sub && export SHELL_VAR=exported", cancellationToken: Ct);
        var container = await EngineCli.CheckedAsync(Engine, ["inspect", "--format", "{{.Id}}", ContainerOf("default")], Ct);

        await Server.RestartAsync(new ServerOptions { Config = Config }, Ct);
        var after = await Server.ExecAsync("cat /workspace/persist.txt; echo; echo $TOOL_VAR; echo $SHELL_VAR; pwd", cancellationToken: Ct);
        var sameContainer = await EngineCli.CheckedAsync(Engine, ["inspect", "--format", "{{.Id}}", ContainerOf("default")], Ct);

        Assert.Equal("still here\nfrom env tool\nexported\n/workspace/sub\n", after.Stdout);
        Assert.Equal(container, sameContainer);
    }

    [Fact(Timeout = 120_000)]
    public async Task Start_OrphanOfThisStateDir_IsRemovedAndOtherOwnersAreUntouched()
    {
        await Server.ExecAsync("true", cancellationToken: Ct);
        var orphan = ContainerOf("orphan");
        var foreign = $"sbx-foreign-{Owner}";
        await EngineCli.CheckedAsync(Engine, ["run", "-d", "--init", "--name", orphan, "--label", $"sandbox-mcp.owner={Owner}", "--label", "sandbox-mcp.sandbox=orphan", EngineCli.BaseImage, "sleep", "infinity"], Ct);
        await EngineCli.CheckedAsync(Engine, ["run", "-d", "--init", "--name", foreign, "--label", "sandbox-mcp.owner=someone-else", EngineCli.BaseImage, "sleep", "infinity"], Ct);
        try
        {
            await Server.RestartAsync(new ServerOptions { Config = Config }, Ct);
            await Server.CallOkAsync("list_all", null, Ct);

            var left = await EngineCli.CheckedAsync(Engine, ["ps", "-a", "--format", "{{.Names}}"], Ct);
            var names = left.Split('\n', StringSplitOptions.TrimEntries);
            Assert.DoesNotContain(orphan, names);
            Assert.Contains(foreign, names);
            Assert.Contains(ContainerOf("default"), names);
        }
        finally
        {
            await EngineCli.RunAsync(Engine, Engine == "podman" ? ["rm", "-f", "-t", "0", foreign] : ["rm", "-f", foreign], CancellationToken.None);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task TwoSandboxes_InParallel_RunAndReachEachOtherByName()
    {
        var first = Server.ExecAsync("hostname; sleep 2; echo done-a", sandbox: "alpha", cancellationToken: Ct);
        var second = Server.ExecAsync("hostname; sleep 2; echo done-b", sandbox: "beta", cancellationToken: Ct);
        var (a, b) = (await first, await second);

        await Server.ExecAsync("(printf hello-from-alpha | nc -l 9000 >/dev/null 2>&1 &)", sandbox: "alpha", cancellationToken: Ct);
        var reply = await PollAsync(() => Server.ExecAsync("nc -w 3 alpha 9000 </dev/null", sandbox: "beta", cancellationToken: Ct), r => r.Stdout == "hello-from-alpha");

        Assert.Equal("alpha\ndone-a\n", a.Stdout);
        Assert.Equal("beta\ndone-b\n", b.Stdout);
        Assert.Equal("hello-from-alpha", reply.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_ContainerRemovedBehindOurBack_IsRecreatedAndTheResultSaysSo()
    {
        await Server.ExecAsync("echo before > /workspace/before.txt", cancellationToken: Ct);
        await EngineCli.CheckedAsync(Engine, Engine == "podman" ? ["rm", "-f", "-t", "0", ContainerOf("default")] : ["rm", "-f", ContainerOf("default")], Ct);

        var ended = await Server.CallAsync("exec", new { command = "echo after" }, Ct);
        var result = (ended.IsError == true || new ToolOutcome(ended).Stdout != "after\n") ? await Server.ExecAsync("echo after", cancellationToken: Ct) : new ToolOutcome(ended);

        Assert.Equal("after\n", result.Stdout);
        Assert.Contains("recreated", result.Get("note"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_ContainerStopped_IsStartedAgainWithItsFiles()
    {
        await Server.ExecAsync("echo kept > /workspace/kept.txt", cancellationToken: Ct);
        await EngineCli.CheckedAsync(Engine, Engine == "podman" ? ["stop", "-t", "0", ContainerOf("default")] : ["stop", "-t", "0", ContainerOf("default")], Ct);
        var health = await Server.CallOkAsync("health", null, Ct);

        var ended = await Server.CallAsync("exec", new { command = "cat /workspace/kept.txt" }, Ct);
        var result = new ToolOutcome(ended).Stdout == "kept\n" ? new ToolOutcome(ended) : await Server.ExecAsync("cat /workspace/kept.txt", cancellationToken: Ct);

        Assert.Contains("stopped", health.Text, StringComparison.Ordinal);
        Assert.False(health.Bool("healthy"));
        Assert.Equal("kept\n", result.Stdout);
        Assert.Contains("started again", result.Get("note"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task StatsAndHealth_ReportUseAgainstLimits()
    {
        await Server.ExecAsync("head -c 3000000 /dev/zero > /workspace/three-mb.bin", cancellationToken: Ct);
        await Server.ExecAsync("true", sandbox: "second", cancellationToken: Ct);

        var stats = await Server.CallOkAsync("stats", null, Ct);
        var health = await Server.CallOkAsync("health", null, Ct);

        Assert.Equal(512L << 20, stats.Number("memory_limit_bytes"));
        Assert.True(stats.Number("memory_bytes") > 0, stats.Text);
        Assert.True(stats.Number("pids") >= 1, stats.Text);
        Assert.True(stats.Structured.GetProperty("disk").GetProperty("used_bytes").GetInt64() >= 3_000_000, stats.Text);
        Assert.True(health.Bool("healthy"), health.Text);
        var sandboxes = health.Structured.GetProperty("sandboxes").EnumerateArray().ToList();
        Assert.Equal(["default", "second"], sandboxes.Select(s => s.GetProperty("sandbox").GetString()));
        Assert.All(sandboxes, s => Assert.Equal("running", s.GetProperty("state").GetString()));
    }

    [Fact(Timeout = 120_000)]
    public async Task AutoTier_DefaultImageMissing_FallsBackAndStatusSaysWhy()
    {
        var missing = $"localhost/sbx-missing-{Owner}:base";
        await using var auto = await ServerHarness.StartAsync(
            new ServerOptions { Config = new JsonObject { ["defaultTier"] = "auto", ["engine"] = Engine, ["defaultImage"] = missing } },
            Ct);
        try
        {
            var ran = await auto.ExecAsync("echo works", cancellationToken: Ct);
            var status = await auto.CallOkAsync("status", null, Ct);
            var explicitVm = await auto.CallErrorAsync("create", new { sandbox = "forced", tier = "vm" }, Ct);

            Assert.Equal("works\n", ran.Stdout);
            Assert.NotEqual("vm", status.Get("tier"));
            Assert.Contains("images/build-base.sh", status.Get("tier_note"), StringComparison.Ordinal);
            Assert.Contains("images/build-base.sh", explicitVm, StringComparison.Ordinal);
        }
        finally
        {
            await auto.CallAsync("destroy", null, Ct);
            await VmEngine.CleanupAsync(Engine, auto);
        }
    }

    /// <summary>Runs <paramref name="action"/> until <paramref name="done"/> holds or 30 s pass.</summary>
    private static async Task<ToolOutcome> PollAsync(Func<Task<ToolOutcome>> action, Func<ToolOutcome, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var last = await action();
        while (!done(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
            last = await action();
        }

        return last;
    }
}
