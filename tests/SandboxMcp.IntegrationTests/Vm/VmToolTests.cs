using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>
/// The vm tier end to end through a real MCP client and a real engine: limits, packages, snapshots, clones,
/// reset, images, reconnect, orphans, parallel sandboxes. Each engine runs the same suite by deriving from it.
/// </summary>
public abstract partial class VmToolTests : ServerTest
{
    private static readonly string[] Jq = ["jq"];
    private static readonly string[] NoSuchPackage = ["no-such-package-sbx"];

    /// <summary>podman or docker.</summary>
    protected abstract string Engine { get; }

    protected override JsonObject Config => VmEngine.Config(Engine);

    protected override void RequireEngine() => VmEngine.Require(Engine);

    protected override Task CleanupAsync(ServerHarness server) => VmEngine.CleanupAsync(Engine, server);

    /// <summary>The owner id of this test's server: in every name and label it creates.</summary>
    protected string Owner => EngineCli.OwnerOf(Server.StateDirectory);

    /// <summary>The container behind a sandbox.</summary>
    protected string ContainerOf(string sandbox) => EngineCli.ContainerOf(Server.StateDirectory, sandbox);

    [Fact(Timeout = 120_000)]
    public async Task Create_MemoryLimit_KillsABiggerAllocationAndSaysOutOfMemory()
    {
        await Server.CallOkAsync("create", new { sandbox = "small", tier = "vm", memory = "128m" }, Ct);

        var result = await Server.ExecAsync("python3 -c 'a = bytearray(300 * 1024 * 1024); print(len(a))'", sandbox: "small", cancellationToken: Ct);
        var next = await Server.ExecAsync("echo alive", sandbox: "small", cancellationToken: Ct);

        Assert.Equal(137, result.ExitCode);
        Assert.Contains("out of memory: limit 128m", result.Get("note"), StringComparison.Ordinal);
        Assert.Equal("alive\n", next.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Create_Limits_AreInForceInsideTheContainer()
    {
        var created = await Server.CallOkAsync("create", new { sandbox = "limited", tier = "vm", memory = "256m", cpus = 1.5 }, Ct);

        var cgroup = await Server.ExecAsync(
            "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max",
            sandbox: "limited",
            cancellationToken: Ct);

        var lines = cgroup.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((256L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0]);
        Assert.Equal("1024", lines[1]);
        Assert.Equal("vm", created.Get("tier"));
        Assert.Equal(Engine, created.Get("runtime"));
        Assert.Contains("container", created.Get("isolation"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Create_NetworkNone_HasOnlyLoopbackAndNoRoute()
    {
        await Server.CallOkAsync("create", new { sandbox = "offline", tier = "vm", network = "none" }, Ct);

        var interfaces = await Server.ExecAsync("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '", sandbox: "offline", cancellationToken: Ct);
        var routes = await Server.ExecAsync("tail -n +2 /proc/net/route | wc -l", sandbox: "offline", cancellationToken: Ct);
        var connect = await Server.ExecAsync(
            "python3 -c \"import socket; socket.create_connection(('1.1.1.1', 80), 3)\"",
            sandbox: "offline",
            cancellationToken: Ct);

        Assert.Equal("lo\n", interfaces.Stdout);
        Assert.Equal("0", routes.Stdout.Trim());
        Assert.NotEqual(0, connect.ExitCode);
        Assert.Contains("unreachable", connect.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 120_000)]
    public async Task Create_MissingImage_IsAToolErrorNamingTheFix()
    {
        var image = $"localhost/sbx-missing-{Owner}:1";

        var error = await Server.CallErrorAsync("create", new { sandbox = "nope", tier = "vm", image }, Ct);
        var next = await Server.ExecAsync("echo fine", cancellationToken: Ct);

        Assert.Contains(image, error, StringComparison.Ordinal);
        Assert.Contains("build_image", error, StringComparison.Ordinal);
        Assert.Equal("fine\n", next.Stdout);
    }

    [Fact(Timeout = 300_000)]
    public async Task Install_DebianPackage_WithAptReportsProgressAndVersion()
    {
        var progress = new ConcurrentQueue<ProgressNotificationValue>();

        var result = await Server.Client.CallToolAsync(
            "install",
            new Dictionary<string, object?> { ["packages"] = Jq },
            new SyncProgress(progress),
            cancellationToken: Ct);
        var outcome = new ToolOutcome(result);
        var run = await Server.ExecAsync("echo '{\"a\": 42}' | jq .a", cancellationToken: Ct);

        Assert.False(result.IsError == true, outcome.Text);
        Assert.Equal("apt", outcome.Get("manager"));
        var package = Assert.Single(outcome.Structured.GetProperty("packages").EnumerateArray());
        Assert.Equal("jq", package.GetProperty("name").GetString());
        Assert.Matches(@"^\d", package.GetProperty("version").GetString());
        Assert.NotEmpty(progress);
        Assert.Equal("42\n", run.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Install_UnknownPackage_IsAToolErrorWithAptsReason()
    {
        var error = await Server.CallErrorAsync("install", new { packages = NoSuchPackage }, Ct);

        Assert.Contains("no-such-package-sbx", error, StringComparison.Ordinal);
        Assert.Contains("apt", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task Reset_KeepsCachedPackagesButNotTheWorkspace()
    {
        await Server.CallOkAsync("install", new { packages = Jq }, Ct);
        await Server.CallOkAsync("write_file", new { path = "/workspace/notes.txt", content = "draft" }, Ct);

        await Server.CallOkAsync("reset", null, Ct);
        var after = await Server.ExecAsync(
            "ls /workspace; command -v jq || echo no-jq; ls /var/cache/apt/archives/ | grep -c '^jq_'",
            cancellationToken: Ct);

        Assert.Equal("no-jq\n1\n", after.Stdout);
    }

    [Fact(Timeout = 300_000)]
    public async Task Snapshot_ThenRestore_BringsBackWorkspaceAndSystemFiles()
    {
        await Server.CallOkAsync("write_file", new { path = "/workspace/kept.txt", content = "saved in the workspace" }, Ct);
        await Server.ExecAsync("echo system > /etc/sbx-marker && cd /tmp && export SNAPPED=yes", cancellationToken: Ct);
        var snapshot = await Server.CallOkAsync("snapshot", new { name = "first" }, Ct);

        await Server.ExecAsync("rm /workspace/kept.txt /etc/sbx-marker; echo later > /workspace/later.txt", cancellationToken: Ct);
        await Server.CallOkAsync("restore", new { name = "first" }, Ct);
        var restored = await Server.ExecAsync("cat /workspace/kept.txt; echo; cat /etc/sbx-marker; ls /workspace; pwd; echo $SNAPPED", cancellationToken: Ct);
        var listed = await Server.CallOkAsync("list_snapshots", null, Ct);
        var inUse = await Server.CallErrorAsync("delete_snapshot", new { name = "first" }, Ct);
        await Server.CallOkAsync("destroy", null, Ct);
        await Server.CallOkAsync("delete_snapshot", new { name = "first" }, Ct);
        var afterDelete = await Server.CallOkAsync("list_snapshots", null, Ct);

        Assert.Contains("first", snapshot.Text, StringComparison.Ordinal);
        Assert.Equal("saved in the workspace\nsystem\nkept.txt\n/tmp\nyes\n", restored.Stdout);
        Assert.Contains("first", listed.Text, StringComparison.Ordinal);
        Assert.Contains("in use", inUse, StringComparison.Ordinal);
        Assert.DoesNotContain("first", afterDelete.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task Clone_CopiesFilesAndEnvAndLeavesTheSourceAlone()
    {
        await Server.CallOkAsync("write_file", new { path = "/workspace/app.py", content = "print('cloned')" }, Ct);
        await Server.CallOkAsync("env", new { action = "set", name = "FLAVOR", value = "vanilla" }, Ct);

        await Server.CallOkAsync("clone", new { source = "default", target = "copy" }, Ct);
        await Server.ExecAsync("echo source-only > /workspace/source.txt", cancellationToken: Ct);
        var copy = await Server.ExecAsync("python3 app.py; echo $FLAVOR; ls /workspace", sandbox: "copy", cancellationToken: Ct);
        var source = await Server.ExecAsync("ls /workspace", cancellationToken: Ct);
        var again = await Server.CallErrorAsync("clone", new { source = "default", target = "copy" }, Ct);

        Assert.Equal("cloned\nvanilla\napp.py\n", copy.Stdout);
        Assert.Equal("app.py\nsource.txt\n", source.Stdout);
        Assert.Contains("already exists", again, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task BuildImage_SmallContainerfile_IsListedAndUsableByCreate()
    {
        var tag = $"localhost/sbx-built-{Owner}:1";
        var progress = new ConcurrentQueue<ProgressNotificationValue>();

        var result = await Server.Client.CallToolAsync(
            "build_image",
            new Dictionary<string, object?>
            {
                ["containerfile"] = $"FROM {EngineCli.BaseImage}\nRUN echo built-by-test > /built.txt\n",
                ["tag"] = tag,
            },
            new SyncProgress(progress),
            cancellationToken: Ct);
        var images = await Server.CallOkAsync("images", null, Ct);
        await Server.CallOkAsync("create", new { sandbox = "custom", tier = "vm", image = tag }, Ct);
        var built = await Server.ExecAsync("cat /built.txt", sandbox: "custom", cancellationToken: Ct);

        Assert.False(result.IsError == true, new ToolOutcome(result).Text);
        Assert.NotEmpty(progress);
        Assert.Contains(tag, images.Text, StringComparison.Ordinal);
        Assert.Equal("built-by-test\n", built.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task BuildImage_BrokenContainerfile_IsAToolErrorWithTheBuildOutput()
    {
        var error = await Server.CallErrorAsync("build_image", new { containerfile = $"FROM {EngineCli.BaseImage}\nRUN exit 3\n", tag = $"localhost/sbx-broken-{Owner}:1" }, Ct);

        Assert.Contains("could not build", error, StringComparison.Ordinal);
        Assert.Contains("RUN exit 3", error, StringComparison.Ordinal);
    }
}
