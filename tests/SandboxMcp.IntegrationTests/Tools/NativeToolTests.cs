using System.Text;
using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Tools;

/// <summary>The foundation's tools end to end on the native tier: files, env, python, lifecycle, history.</summary>
public sealed class NativeToolTests : ServerTest
{
    [Fact(Timeout = 60_000)]
    public async Task WriteFile_ThenReadFile_RoundTripsExactText()
    {
        const string content = "line one\nzwei — ünïcødé 🚀\n\ttabs and 'quotes' \"double\" $HOME `cmd`\nno newline at end";

        await Server.CallOkAsync("write_file", new { path = "dir/sub/file.txt", content }, Ct);
        var read = await Server.CallOkAsync("read_file", new { path = "dir/sub/file.txt" }, Ct);
        var bytes = await Server.ExecAsync("wc -c < dir/sub/file.txt", cancellationToken: Ct);

        Assert.Equal(content, read.Get("content"));
        Assert.Equal(Encoding.UTF8.GetByteCount(content), int.Parse(bytes.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(read.Bool("truncated"));
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFile_TenMegabytes_ArrivesWhole()
    {
        var big = string.Concat(Enumerable.Range(0, 320_000).Select(i => $"line {i:D7} of a large text file\n"))[..10_000_000];

        await Server.CallOkAsync("write_file", new { path = "/tmp/ten-mb.txt", content = big }, Ct);
        var check = await Server.ExecAsync("wc -c < /tmp/ten-mb.txt; tail -c 33 /tmp/ten-mb.txt; rm /tmp/ten-mb.txt", cancellationToken: Ct);

        var lines = check.Stdout.Split('\n', 2);
        Assert.Equal("10000000", lines[0].Trim());
        Assert.Equal(big[^33..], lines[1]);
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFile_Base64_WritesBinaryBytes()
    {
        byte[] binary = [0, 1, 2, 255, 254, 10, 13, 0x80];

        await Server.CallOkAsync("write_file", new { path = "bin.dat", content = Convert.ToBase64String(binary), encoding = "base64" }, Ct);
        var dump = await Server.ExecAsync("od -An -tu1 bin.dat | tr -s ' ' | sed 's/^ //'", cancellationToken: Ct);

        Assert.Equal("0 1 2 255 254 10 13 128", dump.Stdout.Trim());
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFile_ExistingExecutable_KeepsItsModeAndReplacesContent()
    {
        await Server.ExecAsync("printf 'old' > run.sh && chmod 755 run.sh", cancellationToken: Ct);

        await Server.CallOkAsync("write_file", new { path = "run.sh", content = "#!/bin/sh\necho new\n" }, Ct);
        var result = await Server.ExecAsync("./run.sh; ls -A | grep -c 'sandbox-mcp-.*tmp' || true", cancellationToken: Ct);

        Assert.Equal("new\n0\n", result.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadFile_OffsetAndLimit_ReturnTheLinesAndSayWhereToContinue()
    {
        await Server.ExecAsync("seq 1 100 > numbers.txt", cancellationToken: Ct);

        var slice = await Server.CallOkAsync("read_file", new { path = "numbers.txt", offset = 10, limit = 3 }, Ct);
        var tail = await Server.CallOkAsync("read_file", new { path = "numbers.txt", offset = 99 }, Ct);
        var past = await Server.CallOkAsync("read_file", new { path = "numbers.txt", offset = 500 }, Ct);

        Assert.Equal("10\n11\n12\n", slice.Get("content"));
        Assert.True(slice.Bool("truncated"));
        Assert.Equal(13, slice.Number("next_offset"));
        Assert.Equal("99\n100\n", tail.Get("content"));
        Assert.False(tail.Bool("truncated"));
        Assert.Equal(100, tail.Number("total_lines"));
        Assert.Equal("", past.Get("content"));
        Assert.Contains("100 lines", past.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadFile_LargerThanOneCall_StopsAtTheCapAndContinues()
    {
        await Server.ExecAsync("seq 1 200000 > many.txt", cancellationToken: Ct);

        var first = await Server.CallOkAsync("read_file", new { path = "many.txt" }, Ct);
        var next = await Server.CallOkAsync("read_file", new { path = "many.txt", offset = first.Number("next_offset"), limit = 1 }, Ct);

        Assert.True(first.Bool("truncated"));
        Assert.True(first.Get("content").Length <= 256 * 1024);
        var lastWhole = first.Get("content").Split('\n')[^2];
        Assert.Equal((int.Parse(lastWhole, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n", next.Get("content"));
    }

    [Fact(Timeout = 60_000)]
    public async Task BatchWrite_WritesEveryFile()
    {
        var files = new Dictionary<string, string> { ["proj/a.py"] = "print('a')\n", ["proj/b/c.txt"] = "c", ["/tmp/batch-abs.txt"] = "abs\n" };

        await Server.CallOkAsync("batch_write", new { files }, Ct);
        var result = await Server.ExecAsync("cat proj/a.py proj/b/c.txt; echo; cat /tmp/batch-abs.txt; rm /tmp/batch-abs.txt", cancellationToken: Ct);

        Assert.Equal("print('a')\nc\nabs\n", result.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Python_RunsCodeWithQuotesAndStdinAtEof()
    {
        const string code = "import sys\nprint('it\\'s \"quoted\"', sys.version_info[0])\nprint(sys.stdin.read() == '', file=sys.stderr)";

        var result = await Server.CallOkAsync("python", new { code }, Ct);

        Assert.Equal("it's \"quoted\" 3\n", result.Stdout);
        Assert.Equal("True\n", result.Stderr);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Python_Exception_ReturnsTracebackAndExitCode1()
    {
        var result = await Server.CallOkAsync("python", new { code = "raise ValueError('boom')" }, Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ValueError: boom", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Env_SetListUnset_AppliesToShellAndSurvivesShellRestart()
    {
        await Server.CallOkAsync("env", new { action = "set", name = "MY_VAR", value = "a b 'c'\nline2" }, Ct);
        var listed = await Server.CallOkAsync("env", new { action = "list" }, Ct);
        await Server.ExecAsync("exit 1", cancellationToken: Ct);
        var afterRestart = await Server.ExecAsync("printf '%s' \"$MY_VAR\"", cancellationToken: Ct);
        var inFileHelper = await Server.ExecAsync("sh -c 'printf %s \"$MY_VAR\"'", cancellationToken: Ct);
        await Server.CallOkAsync("env", new { action = "unset", name = "MY_VAR" }, Ct);
        var afterUnset = await Server.ExecAsync("echo \"[${MY_VAR-unset}]\"", cancellationToken: Ct);

        Assert.Equal("a b 'c'\nline2", listed.Structured.GetProperty("variables").GetProperty("MY_VAR").GetString());
        Assert.Equal("a b 'c'\nline2", afterRestart.Stdout);
        Assert.Equal("a b 'c'\nline2", inFileHelper.Stdout);
        Assert.Equal("[unset]\n", afterUnset.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Status_Native_SaysThereIsNoIsolation()
    {
        var before = await Server.CallOkAsync("status", new { sandbox = "fresh" }, Ct);
        await Server.ExecAsync("true", sandbox: "fresh", cancellationToken: Ct);
        var after = await Server.CallOkAsync("status", new { sandbox = "fresh" }, Ct);

        Assert.False(before.Bool("exists"));
        Assert.True(after.Bool("exists"));
        Assert.Equal("native", after.Get("tier"));
        Assert.StartsWith("none", after.Get("isolation"), StringComparison.Ordinal);
        Assert.Contains(after.Structured.GetProperty("limits").EnumerateArray(), l => l.GetString()!.Contains("memory", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Create_ExistingWithOtherSettings_IsAnErrorAndSameSettingsAreFine()
    {
        await Server.CallOkAsync("create", new { sandbox = "made", tier = "native", memory = "256m" }, Ct);
        var again = await Server.CallOkAsync("create", new { sandbox = "made", tier = "native", memory = "256m" }, Ct);
        var conflict = await Server.CallErrorAsync("create", new { sandbox = "made", memory = "512m" }, Ct);

        Assert.StartsWith("Already exists", again.Text, StringComparison.Ordinal);
        Assert.Contains("destroy it first", conflict, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task ListAll_Destroy_Reset_ManageTheSandboxes()
    {
        await Server.ExecAsync("echo data > keep.txt && export GONE=1", sandbox: "one", cancellationToken: Ct);
        await Server.ExecAsync("true", sandbox: "two", cancellationToken: Ct);

        var listed = await Server.CallOkAsync("list_all", cancellationToken: Ct);
        await Server.CallOkAsync("reset", new { sandbox = "one" }, Ct);
        var afterReset = await Server.ExecAsync("ls; echo \"[${GONE-}]\"", sandbox: "one", cancellationToken: Ct);
        await Server.CallOkAsync("destroy", new { sandbox = "two" }, Ct);
        var afterDestroy = await Server.CallOkAsync("list_all", cancellationToken: Ct);

        var names = listed.Structured.GetProperty("sandboxes").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Contains("one", names);
        Assert.Contains("two", names);
        Assert.Equal("[]\n", afterReset.Stdout);
        Assert.DoesNotContain("two", afterDestroy.Structured.GetProperty("sandboxes").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.False(Directory.Exists(Path.Combine(Server.StateDirectory, "sandboxes", "two")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Destroy_WhileACommandRuns_KillsItAndReturnsPromptly()
    {
        var shell = int.Parse((await Server.ExecAsync("echo $$", sandbox: "busy", cancellationToken: Ct)).Stdout, System.Globalization.CultureInfo.InvariantCulture);
        var running = Server.ExecAsync("sleep 3600", sandbox: "busy", timeout: 3600, cancellationToken: Ct);
        await ProcessProbe.WaitUntilAsync(() => ProcessProbe.ChildrenOf(shell).Count > 0, TimeSpan.FromSeconds(20), "sleep to start", Ct);
        var sleeper = ProcessProbe.ChildrenOf(shell)[0];

        var destroy = Server.CallOkAsync("destroy", new { sandbox = "busy" }, Ct);

        Assert.Same(destroy, await Task.WhenAny(destroy, Task.Delay(TimeSpan.FromSeconds(30), Ct)));
        await destroy;
        Assert.False(ProcessProbe.IsAlive(sleeper), "the command outlived its sandbox");
        var ended = await running;
        Assert.NotEqual(0, ended.ExitCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task History_RecordsCommandsWithExitCodes()
    {
        await Server.ExecAsync("echo first", sandbox: "audited", cancellationToken: Ct);
        await Server.ExecAsync("false", sandbox: "audited", cancellationToken: Ct);
        await Server.CallOkAsync("write_file", new { sandbox = "audited", path = "f.txt", content = "x" }, Ct);

        var history = await Server.CallOkAsync("history", new { sandbox = "audited" }, Ct);

        var entries = history.Structured.GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("tool").GetString() == "exec" && e.GetProperty("summary").GetString() == "echo first" && e.GetProperty("exit_code").GetInt32() == 0);
        Assert.Contains(entries, e => e.GetProperty("summary").GetString() == "false" && e.GetProperty("exit_code").GetInt32() == 1);
        Assert.Contains(entries, e => e.GetProperty("tool").GetString() == "write_file");
    }

    [Fact(Timeout = 60_000)]
    public async Task Exec_InNativeSandbox_SeesCleanEnvironmentWithoutServerSecrets()
    {
        await using var server = await ServerHarness.StartAsync(
            new ServerOptions
            {
                Config = new JsonObject { ["defaultTier"] = "native" },
                Env = new Dictionary<string, string?> { ["SERVER_SECRET_TOKEN"] = "s3cr3t-value", ["AWS_SECRET_ACCESS_KEY"] = "aws-s3cr3t" },
            },
            Ct);

        var result = await server.ExecAsync("env", cancellationToken: Ct);

        Assert.DoesNotContain("s3cr3t", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("TERM=dumb", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"HOME={Path.Combine(server.StateDirectory, "sandboxes", "default")}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Profile_PassEnvAndEnv_ReachTheSandbox()
    {
        await using var server = await ServerHarness.StartAsync(
            new ServerOptions
            {
                Config = new JsonObject
                {
                    ["defaultTier"] = "native",
                    ["profiles"] = new JsonObject { ["ml"] = new JsonObject { ["passEnv"] = new JsonArray("PASSED_ON"), ["env"] = new JsonObject { ["FROM_PROFILE"] = "yes" } } },
                },
                Env = new Dictionary<string, string?> { ["PASSED_ON"] = "through", ["NOT_PASSED"] = "hidden" },
            },
            Ct);

        var ml = await server.ExecAsync("echo \"$PASSED_ON $FROM_PROFILE [${NOT_PASSED-}]\"", sandbox: "ml", cancellationToken: Ct);
        var other = await server.ExecAsync("echo \"[${PASSED_ON-}]\"", sandbox: "other", cancellationToken: Ct);

        Assert.Equal("through yes []\n", ml.Stdout);
        Assert.Equal("[]\n", other.Stdout);
    }
}
