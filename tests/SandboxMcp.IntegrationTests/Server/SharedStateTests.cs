using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Server;

/// <summary>
/// Several server processes on one state directory (Claude Code and Cursor at once): they share sandboxes, never
/// overwrite or forget each other's, and never reap one the other is using.
/// </summary>
public sealed class SharedStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServerOptions On(TempDirectory root, int idleTtlSeconds = 1800) =>
        new() { Root = root.Path, Config = new JsonObject { ["defaultTier"] = "native", ["idleTtlSeconds"] = idleTtlSeconds } };

    [Fact(Timeout = 90_000)]
    public async Task TwoServers_SameName_AttachToOneSandbox()
    {
        using var root = new TempDirectory();
        await using var a = await ServerHarness.StartAsync(On(root), Ct);
        await using var b = await ServerHarness.StartAsync(On(root), Ct);

        await a.ExecAsync("echo from-a > shared.txt", cancellationToken: Ct);
        var seen = await b.ExecAsync("cat shared.txt", cancellationToken: Ct);
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(a.StateDirectory, "state.json"), Ct));

        Assert.Equal("from-a\n", seen.Stdout);
        Assert.Single(state.RootElement.GetProperty("sandboxes").EnumerateObject());
    }

    [Fact(Timeout = 90_000)]
    public async Task TwoServers_CreatingManySandboxesAtOnce_LoseNone()
    {
        using var root = new TempDirectory();
        await using var a = await ServerHarness.StartAsync(On(root), Ct);
        await using var b = await ServerHarness.StartAsync(On(root), Ct);

        await Task.WhenAll(Enumerable.Range(0, 8).SelectMany(i => new[]
        {
            a.ExecAsync("true", sandbox: $"a{i}", cancellationToken: Ct),
            b.ExecAsync("true", sandbox: $"b{i}", cancellationToken: Ct),
        }));
        var listed = await a.CallOkAsync("list_all", cancellationToken: Ct);

        var names = listed.Structured.GetProperty("sandboxes").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToHashSet();
        Assert.Equal(16, names.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task TwoServers_OneDestroys_TheOtherGetsAFreshSandboxAndIsTold()
    {
        using var root = new TempDirectory();
        await using var a = await ServerHarness.StartAsync(On(root), Ct);
        await using var b = await ServerHarness.StartAsync(On(root), Ct);
        await b.ExecAsync("echo old > old.txt", sandbox: "victim", cancellationToken: Ct);

        await a.CallOkAsync("destroy", new { sandbox = "victim" }, Ct);
        var after = await b.ExecAsync("ls", sandbox: "victim", cancellationToken: Ct);

        Assert.Equal("", after.Stdout);
        Assert.Contains("recreated", after.Get("note"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task IdleTtl_SandboxInUseByOneServer_IsNotReapedByTheOther()
    {
        using var root = new TempDirectory();
        await using var user = await ServerHarness.StartAsync(On(root, idleTtlSeconds: 3), Ct);
        await using var reaper = await ServerHarness.StartAsync(On(root, idleTtlSeconds: 3), Ct);
        await user.ExecAsync("echo mine > marker.txt", sandbox: "active", cancellationToken: Ct);
        await reaper.ExecAsync("true", sandbox: "unused", cancellationToken: Ct);
        var unusedDir = Path.Combine(reaper.StateDirectory, "sandboxes", "unused");

        // Keep using "active" through one server, for longer than the TTL, in short and long commands, while the
        // other server sweeps; the unused sandbox is the control that proves the sweep runs at all.
        var until = DateTime.UtcNow.AddSeconds(9);
        while (DateTime.UtcNow < until)
        {
            var step = await user.ExecAsync("cat marker.txt; sleep 0.5", sandbox: "active", cancellationToken: Ct);
            Assert.Equal("mine\n", step.Stdout);
        }

        var longCommand = await user.ExecAsync("sleep 7; cat marker.txt", sandbox: "active", timeout: 30, cancellationToken: Ct);

        Assert.Equal("mine\n", longCommand.Stdout);
        Assert.Null(longCommand.Structured.TryGetProperty("note", out var note) ? note.GetString() : null);
        Assert.False(Directory.Exists(unusedDir), "the unused sandbox should have been reaped");
    }
}
