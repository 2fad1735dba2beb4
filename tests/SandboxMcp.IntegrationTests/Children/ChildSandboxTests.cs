using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Children;

/// <summary>
/// Child sandboxes from inside a sandbox through sandbox-ctl, and through the tools, under spawn policies.
/// Each tier derives with its configuration.
/// </summary>
public abstract class ChildSandboxTests : ServerTest
{
    /// <summary>Configuration of the tier, with spawn policies added by each test.</summary>
    protected abstract JsonObject TierConfig { get; }

    protected override JsonObject Config => Policies(childCanSpawn: false);

    protected JsonObject Policies(bool childCanSpawn, int maxChildren = 3, string memoryBudget = "1g")
    {
        var config = TierConfig.DeepClone().AsObject();
        config["spawnPolicies"] = new JsonObject
        {
            ["default"] = new JsonObject
            {
                ["maxChildren"] = maxChildren,
                ["maxSpawns"] = 20,
                ["cpuBudget"] = 4,
                ["memoryBudget"] = memoryBudget,
                ["childTtlSeconds"] = 600,
                ["childCanSpawn"] = childCanSpawn,
            },
            ["other"] = new JsonObject { ["maxChildren"] = 2 },
        };
        return config;
    }

    [Fact(Timeout = 180_000)]
    public async Task SandboxCtl_Run_PrintsTheChildsOutputAndPassesItsExitCode()
    {
        var result = await Server.ExecAsync("sandbox-ctl run -- echo hello; sandbox-ctl run -- sh -c 'echo oops >&2; exit 7'; echo \"rc=$?\"", timeout: 120, cancellationToken: Ct);

        Assert.Equal("hello\nrc=7\n", result.Stdout);
        Assert.Contains("oops", result.Stderr, StringComparison.Ordinal);
        var children = await Server.CallOkAsync("children", new { parent = "default" }, Ct);
        Assert.Empty(children.Structured.GetProperty("children").EnumerateArray());
    }

    [Fact(Timeout = 180_000)]
    public async Task SandboxCtl_SpawnPastMaxChildren_IsRefusedNamingTheLimit()
    {
        var result = await Server.ExecAsync("for i in 1 2 3; do sandbox-ctl spawn --memory 64m || exit 9; done; sandbox-ctl spawn --memory 64m; echo \"rc=$?\"", timeout: 150, cancellationToken: Ct);

        Assert.Equal("c1\nc2\nc3\nrc=1\n", result.Stdout);
        Assert.Contains("LIMIT_REACHED: maxChildren", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task SandboxCtl_SpawnPastMemoryBudget_IsRefusedNamingTheBudget()
    {
        var result = await Server.ExecAsync("sandbox-ctl spawn --memory 700m; sandbox-ctl spawn --memory 400m; echo \"rc=$?\"", timeout: 120, cancellationToken: Ct);

        Assert.Equal("c1\nrc=1\n", result.Stdout);
        Assert.Contains("LIMIT_REACHED: memoryBudget", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task SandboxCtl_SiblingsChild_IsNotReachable()
    {
        await Server.ExecAsync("sandbox-ctl spawn --name secret --memory 64m", timeout: 120, cancellationToken: Ct);

        var other = await Server.ExecAsync(
            "sandbox-ctl exec secret -- true; echo \"a=$?\"; sandbox-ctl destroy secret; echo \"b=$?\"; sandbox-ctl list",
            sandbox: "other",
            timeout: 120,
            cancellationToken: Ct);
        var stillThere = await Server.CallOkAsync("children", new { parent = "default" }, Ct);

        Assert.Equal("a=1\nb=1\n", other.Stdout);
        Assert.Contains("NOT_FOUND", other.Stderr, StringComparison.Ordinal);
        Assert.Single(stillThere.Structured.GetProperty("children").EnumerateArray());
        var denied = await Server.CallErrorAsync("destroy_child", new { parent = "other", name = "secret" }, Ct);
        Assert.Contains("no child named", denied, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task SandboxCtl_SandboxWithoutPolicy_CannotSpawn()
    {
        var result = await Server.ExecAsync("command -v sandbox-ctl || echo none", sandbox: "nopolicy", cancellationToken: Ct);
        var tool = await Server.CallErrorAsync("spawn", new { parent = "nopolicy" }, Ct);

        Assert.Equal("none\n", result.Stdout);
        Assert.Contains("has no spawn policy", tool, StringComparison.Ordinal);
    }

    [Fact(Timeout = 240_000)]
    public async Task Grandchild_WhenChildCannotSpawn_IsRefused()
    {
        await Server.ExecAsync("sandbox-ctl spawn --name kid --memory 64m", timeout: 120, cancellationToken: Ct);

        var fromChild = await Server.ExecAsync("command -v sandbox-ctl || echo none", sandbox: "default.kid", cancellationToken: Ct);
        var tool = await Server.CallErrorAsync("spawn", new { parent = "default.kid" }, Ct);

        Assert.Equal("none\n", fromChild.Stdout);
        Assert.Contains("has no spawn policy", tool, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task Grandchild_WhenChildCanSpawn_IsAllowedWithHalvedLimits()
    {
        await using var server = await StartWithAsync(Policies(childCanSpawn: true, maxChildren: 2));
        await server.ExecAsync("sandbox-ctl spawn --name kid --memory 64m", timeout: 120, cancellationToken: Ct);

        var fromChild = await server.ExecAsync(
            "sandbox-ctl spawn --name g1 --memory 32m && sandbox-ctl spawn --name g2 --memory 32m; echo \"rc=$?\"",
            sandbox: "default.kid",
            timeout: 150,
            cancellationToken: Ct);
        var grandchild = await server.ExecAsync("echo deep", sandbox: "default.kid.g1", cancellationToken: Ct);
        var status = await server.CallOkAsync("status", new { sandbox = "default.kid" }, Ct);

        Assert.Equal("g1\nrc=1\n", fromChild.Stdout);
        Assert.Contains("maxChildren: 'default.kid' already has 1 children, its limit is 1", fromChild.Stderr, StringComparison.Ordinal);
        Assert.Equal("deep\n", grandchild.Stdout);
        Assert.Contains("up to 1 children", status.Get("spawn_policy"), StringComparison.Ordinal);
        await server.CallOkAsync("destroy", new { sandbox = "default" }, Ct);
    }

    [Fact(Timeout = 300_000)]
    public async Task Destroy_Parent_RemovesEveryDescendant()
    {
        await using var server = await StartWithAsync(Policies(childCanSpawn: true));
        await server.ExecAsync("sandbox-ctl spawn --name kid --memory 64m && sandbox-ctl spawn --name kid2 --memory 64m", timeout: 150, cancellationToken: Ct);
        await server.ExecAsync("sandbox-ctl spawn --name g --memory 32m", sandbox: "default.kid", timeout: 120, cancellationToken: Ct);

        await server.CallOkAsync("destroy", new { sandbox = "default" }, Ct);
        var listed = await server.CallOkAsync("list_all", cancellationToken: Ct);

        Assert.Empty(listed.Structured.GetProperty("sandboxes").EnumerateArray());
        await AssertGoneAsync(server, ["default.kid", "default.kid2", "default.kid.g"]);
    }

    [Fact(Timeout = 300_000)]
    public async Task Restart_TheTreeIsStillThereAndSandboxCtlStillWorks()
    {
        await Server.ExecAsync("sandbox-ctl spawn --name kid --memory 64m && sandbox-ctl exec kid -- sh -c 'echo kept > f.txt'", timeout: 150, cancellationToken: Ct);

        await Server.RestartAsync(new ServerOptions { Config = Config }, Ct);
        var listed = await Server.ExecAsync("sandbox-ctl list && sandbox-ctl exec kid -- cat f.txt", timeout: 120, cancellationToken: Ct);
        var all = await Server.CallOkAsync("list_all", cancellationToken: Ct);

        Assert.StartsWith("kid\t", listed.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("kept\n", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains(all.Structured.GetProperty("sandboxes").EnumerateArray(), s => s.GetProperty("name").GetString() == "default.kid" && s.GetProperty("parent").GetString() == "default");
    }

    [Fact(Timeout = 180_000)]
    public async Task Tools_SpawnChildrenDestroyChild_WorkUnderThePolicy()
    {
        var spawned = await Server.CallOkAsync("spawn", new { parent = "default", name = "t1", memory = "64m" }, Ct);
        var inChild = await Server.ExecAsync("echo from-t1", sandbox: "default.t1", cancellationToken: Ct);
        var listed = await Server.CallOkAsync("children", new { parent = "default" }, Ct);
        await Server.CallOkAsync("destroy_child", new { parent = "default", name = "t1" }, Ct);
        var after = await Server.CallOkAsync("children", new { parent = "default" }, Ct);

        Assert.Equal("default.t1", spawned.Get("sandbox"));
        Assert.Equal("from-t1\n", inChild.Stdout);
        Assert.Single(listed.Structured.GetProperty("children").EnumerateArray());
        Assert.Empty(after.Structured.GetProperty("children").EnumerateArray());
    }

    /// <summary>Starts a second server with its own configuration (for tests that need a different policy).</summary>
    protected abstract Task<ServerHarness> StartWithAsync(JsonObject config);

    /// <summary>Asserts the runtime no longer has these sandboxes.</summary>
    protected abstract Task AssertGoneAsync(ServerHarness server, string[] sandboxes);
}
