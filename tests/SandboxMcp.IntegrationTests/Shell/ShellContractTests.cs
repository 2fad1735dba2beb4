using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Shell;

/// <summary>
/// The persistent-shell contract of DESIGN.md, one test per point, through a real MCP client over stdio.
/// Each tier runs the same suite by deriving from this class with its own configuration.
/// </summary>
public abstract class ShellContractTests : ServerTest
{

    [Fact(Timeout = 120_000)]
    public async Task Exec_StdoutAndStderr_ComeBackSeparatelyAndComplete()
    {
        var result = await Server.ExecAsync("for i in 1 2 3; do echo out$i; echo err$i >&2; done", cancellationToken: Ct);

        Assert.Equal("out1\nout2\nout3\n", result.Stdout);
        Assert.Equal("err1\nerr2\nerr3\n", result.Stderr);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_OutputWithoutTrailingNewline_ComesBackExactly()
    {
        var result = await Server.ExecAsync("printf abc; printf xyz >&2", cancellationToken: Ct);

        Assert.Equal("abc", result.Stdout);
        Assert.Equal("xyz", result.Stderr);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_OutputImitatingMarkers_CannotEndTheCommandEarly()
    {
        // Everything a command could know about the protocol: marker-shaped text, its own arguments, all variables.
        const string fake = "__MCP_0123456789abcdef0123456789abcdef0123456789abcdef__";
        var result = await Server.ExecAsync(
            $"printf '{fake}0;/tmp{fake}'; echo \"[$1][$2][$#]\"; set >/dev/null; printf '{fake}' >&2; echo tail; exit 7",
            cancellationToken: Ct);

        Assert.Equal($"{fake}0;/tmp{fake}[][][0]\ntail\n", result.Stdout);
        Assert.Equal(fake, result.Stderr);
        Assert.Equal(7, result.ExitCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_UnbalancedQuote_ReturnsExit2AndShellStaysUsable()
    {
        var broken = await Server.ExecAsync("echo \"unterminated", cancellationToken: Ct);
        var next = await Server.ExecAsync("echo 'still here'", cancellationToken: Ct);

        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("quot", broken.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("still here\n", next.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_CommandReadingStdin_GetsEndOfFileImmediately()
    {
        var result = await Server.ExecAsync("cat; read line; echo \"read=$?\"", cancellationToken: Ct);

        Assert.Equal("read=1\n", result.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_CdAndExport_PersistAcrossCalls()
    {
        await Server.ExecAsync("mkdir -p /tmp/contract-cd && cd /tmp/contract-cd && export GREETING='hello world'", cancellationToken: Ct);
        var result = await Server.ExecAsync("pwd; echo \"$GREETING\"", cancellationToken: Ct);

        Assert.Equal("/tmp/contract-cd\nhello world\n", result.Stdout);
        Assert.Equal("/tmp/contract-cd", result.Get("cwd"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_ExitN_ReturnsNAndNextCallGetsFreshShellWithSameState()
    {
        await Server.ExecAsync("cd /tmp && export KEPT=yes", cancellationToken: Ct);
        var first = await Server.ExecAsync("echo $$; exit 42", cancellationToken: Ct);
        var second = await Server.ExecAsync("echo $$; pwd; echo $KEPT", cancellationToken: Ct);

        Assert.Equal(42, first.ExitCode);
        var lines = second.Stdout.Split('\n');
        Assert.NotEqual(first.Stdout.Trim(), lines[0]);
        Assert.Equal("/tmp", lines[1]);
        Assert.Equal("yes", lines[2]);
        Assert.Equal(0, second.ExitCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_ShellKilledWithoutTrap_NextCallGetsFreshShellWithLastSavedState()
    {
        await Server.ExecAsync("cd /tmp && export SAVED=1", cancellationToken: Ct);
        var killed = await Server.ExecAsync("kill -9 $$", cancellationToken: Ct);
        var next = await Server.ExecAsync("pwd; echo $SAVED", cancellationToken: Ct);

        Assert.Equal(137, killed.ExitCode);
        Assert.Equal("/tmp\n1\n", next.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_InvalidUtf8_IsReplacedNotFatal()
    {
        var result = await Server.ExecAsync("printf 'a\\377\\376b\\n'; printf 'caf\\303\\251\\n'", cancellationToken: Ct);

        Assert.Equal("a\uFFFD\uFFFDb\ncafé\n", result.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_OutputPastCap_IsDrainedAndCounted()
    {
        var result = await Server.ExecAsync("head -c 120000 /dev/zero | tr '\\0' a; head -c 70000 /dev/zero | tr '\\0' b >&2; echo done >&2", cancellationToken: Ct);

        Assert.Equal(50_000, result.Stdout.Length);
        Assert.Equal(70_000, result.Number("stdout_truncated_bytes"));
        Assert.Equal(50_000, result.Stderr.Length);
        Assert.Equal(20_005, result.Number("stderr_truncated_bytes"));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_Timeout_KillsTheCommandTreeAndShellStaysUsable()
    {
        await Server.ExecAsync("export BEFORE=kept; cd /tmp", cancellationToken: Ct);
        var timedOut = await Server.ExecAsync("(sleep 3017; echo never) & sh -c 'sleep 3018' & sleep 3019", timeout: 1, cancellationToken: Ct);
        var next = await Server.ExecAsync(
            "echo $BEFORE; pwd; for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <\"$f\" 2>/dev/null; echo; done | grep -c '^sleep 301[789]' || true",
            cancellationToken: Ct);

        Assert.True(timedOut.Bool("timed_out"));
        Assert.Equal(124, timedOut.ExitCode);
        Assert.Contains("timed out", timedOut.Text, StringComparison.Ordinal);
        Assert.Equal("kept\n/tmp\n0\n", next.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_TimeoutInBuiltinLoop_KillsTheShellAndNextCallKeepsState()
    {
        await Server.ExecAsync("export LOOPER=1; cd /tmp", cancellationToken: Ct);
        var timedOut = await Server.ExecAsync("while :; do :; done", timeout: 1, cancellationToken: Ct);
        var next = await Server.ExecAsync("echo $LOOPER; pwd", cancellationToken: Ct);

        Assert.True(timedOut.Bool("timed_out"));
        Assert.Equal("1\n/tmp\n", next.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_BackgroundChildHoldingOutput_DoesNotHangTheCall()
    {
        var result = await Server.ExecAsync("sleep 300 & echo started", timeout: 60, cancellationToken: Ct);
        var exited = await Server.ExecAsync("sleep 301 & exit 5", timeout: 60, cancellationToken: Ct);
        var next = await Server.ExecAsync("echo alive", cancellationToken: Ct);

        Assert.Equal("started\n", result.Stdout);
        Assert.False(result.Bool("timed_out"));
        Assert.Equal(5, exited.ExitCode);
        Assert.False(exited.Bool("timed_out"));
        Assert.Equal("alive\n", next.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_WorkdirParameter_AppliesToOneCommandOnly()
    {
        await Server.ExecAsync("cd /tmp", cancellationToken: Ct);
        var inWorkdir = await Server.ExecAsync("pwd", workdir: "/", cancellationToken: Ct);
        var after = await Server.ExecAsync("pwd", cancellationToken: Ct);
        var missing = await Server.ExecAsync("pwd", workdir: "/does/not/exist", cancellationToken: Ct);

        Assert.Equal("/\n", inWorkdir.Stdout);
        Assert.Equal("/tmp\n", after.Stdout);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("/does/not/exist", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_SameSandboxConcurrently_RunsOneCommandAtATime()
    {
        await Server.ExecAsync("rm -f /tmp/serial-started /tmp/serial-overlap", cancellationToken: Ct);
        var first = Server.ExecAsync("touch /tmp/serial-started; sleep 3; rm /tmp/serial-started; echo first", cancellationToken: Ct);
        await WaitForFileAsync("default", "/tmp/serial-started");

        var second = await Server.ExecAsync("[ -e /tmp/serial-started ] && echo overlapped || echo alone", cancellationToken: Ct);

        // The first command was running (its file seen) and holds the file for 3 s: only a second command that
        // waited for it can find the file gone. (Whether the client has already resumed the first call's task is up
        // to its thread pool, so first.IsCompleted is no evidence either way.)
        Assert.Equal("alone\n", second.Stdout);
        Assert.Equal("first\n", (await first).Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exec_DifferentSandboxes_RunInParallel()
    {
        await Server.ExecAsync("rm -f /tmp/parallel-started", sandbox: "para-a", cancellationToken: Ct);
        var slow = Server.ExecAsync("touch /tmp/parallel-started; sleep 20; echo slow", sandbox: "para-a", timeout: 60, cancellationToken: Ct);
        await WaitForFileAsync("para-a", "/tmp/parallel-started");

        var fast = await Server.ExecAsync("echo fast", sandbox: "para-b", cancellationToken: Ct);

        Assert.Equal("fast\n", fast.Stdout);
        Assert.False(slow.IsCompleted, "the other sandbox's call only returned after the slow one finished");
        await Server.CallOkAsync("destroy", new { sandbox = "para-a" }, Ct);
    }

    /// <summary>Polls with read_file (which does not queue behind the shell) until a file exists.</summary>
    protected async Task WaitForFileAsync(string sandbox, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = await Server.CallAsync("read_file", new { path, sandbox }, Ct);
            if (result.IsError != true)
            {
                return;
            }

            last = new ToolOutcome(result).Text;
            await Task.Delay(50, Ct);
        }

        Assert.Fail($"{path} never appeared in {sandbox}: {last}\n{Server.Stderr}");
    }
}
