using System.Diagnostics;

namespace SandboxMcp.IntegrationTests.Transfer;

public abstract partial class TransferTests
{
    private static readonly TimeSpan SyncDeadline = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 180_000)]
    public async Task SyncStart_MirrorsCreateEditDeleteAndRenameAndLeavesIgnoredFilesOut()
    {
        var live = HostPath("live");
        Directory.CreateDirectory(Path.Combine(live, ".git"));
        Directory.CreateDirectory(Path.Combine(live, "build"));
        await File.WriteAllTextAsync(Path.Combine(live, "a.txt"), "one", Ct);
        await File.WriteAllTextAsync(Path.Combine(live, ".gitignore"), "*.log\nbuild/\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(live, ".git", "HEAD"), "ref: refs/heads/main\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(live, "x.log"), "log", Ct);
        await File.WriteAllTextAsync(Path.Combine(live, "build", "out.o"), "obj", Ct);

        var started = await Server.CallOkAsync("sync_start", new { host_path = "live", path = "mirror" }, Ct);
        var id = started.Get("id");
        var initial = await Server.ExecAsync("ls -A mirror | sort | tr '\\n' ' '; cat mirror/a.txt", cancellationToken: Ct);
        Assert.Equal(".gitignore a.txt one", initial.Stdout);

        await File.WriteAllTextAsync(Path.Combine(live, "new.txt"), "new", Ct);
        await UntilAsync("cat mirror/new.txt 2>/dev/null", "new");

        await File.WriteAllTextAsync(Path.Combine(live, "a.txt"), "two", Ct);
        await UntilAsync("cat mirror/a.txt", "two");

        File.Delete(Path.Combine(live, "new.txt"));
        await UntilAsync("test -e mirror/new.txt && echo present || echo gone", "gone\n");

        File.Move(Path.Combine(live, "a.txt"), Path.Combine(live, "b.txt"));
        Directory.CreateDirectory(Path.Combine(live, "sub", "deep"));
        await File.WriteAllTextAsync(Path.Combine(live, "sub", "deep", "c.txt"), "c", Ct);
        await File.WriteAllTextAsync(Path.Combine(live, "y.log"), "ignored", Ct);
        await UntilAsync("cat mirror/b.txt mirror/sub/deep/c.txt 2>/dev/null; test -e mirror/a.txt && echo a-still-there", "twoc");

        var status = await Server.CallOkAsync("status", cancellationToken: Ct);
        var listing = await Server.ExecAsync("ls -A mirror | sort | tr '\\n' ' '", cancellationToken: Ct);
        await Server.CallOkAsync("sync_stop", new { id }, Ct);
        var after = await Server.CallOkAsync("status", cancellationToken: Ct);

        Assert.Equal(".gitignore b.txt sub ", listing.Stdout);
        var sync = Assert.Single(status.Structured.GetProperty("syncs").EnumerateArray());
        Assert.Equal(id, sync.GetProperty("id").GetString());
        Assert.True(sync.GetProperty("files_synced").GetInt64() >= 3, status.Text);
        Assert.Contains(id, status.Text, StringComparison.Ordinal);
        Assert.False(after.Structured.TryGetProperty("syncs", out var left) && left.GetArrayLength() > 0, after.Text);
    }

    [Fact(Timeout = 120_000)]
    public async Task SyncStart_ThenReset_EndsTheSync()
    {
        Directory.CreateDirectory(HostPath("proj"));
        await File.WriteAllTextAsync(HostPath("proj", "f.txt"), "f", Ct);
        var started = await Server.CallOkAsync("sync_start", new { host_path = "proj", path = "proj" }, Ct);

        await Server.CallOkAsync("reset", cancellationToken: Ct);
        var status = await Server.CallOkAsync("status", cancellationToken: Ct);
        var stop = await Server.CallErrorAsync("sync_stop", new { id = started.Get("id") }, Ct);

        Assert.False(status.Structured.TryGetProperty("syncs", out var syncs) && syncs.GetArrayLength() > 0, status.Text);
        Assert.Contains("no running sync", stop, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="command"/> until its stdout is <paramref name="expected"/>, or fails at the deadline.</summary>
    private async Task UntilAsync(string command, string expected)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < SyncDeadline)
        {
            last = (await Server.ExecAsync(command, cancellationToken: Ct)).Stdout;
            if (last == expected)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"'{command}' still printed '{last}' after {SyncDeadline.TotalSeconds} s, expected '{expected}'");
    }
}
