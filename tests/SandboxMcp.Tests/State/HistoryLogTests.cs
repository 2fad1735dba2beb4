using SandboxMcp.Configuration;
using SandboxMcp.State;

namespace SandboxMcp.Tests.State;

public sealed class HistoryLogTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sbx-history-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private HistoryLog CreateSut(int limit = 100) =>
        new(new ServerPaths(Path.Combine(_dir.FullName, "c.json"), _dir.FullName), new SandboxMcpOptions { HistoryLimit = limit });

    private static HistoryEntry Entry(int i) => new(DateTimeOffset.UnixEpoch.AddSeconds(i), "exec", $"echo {i}", 0, 1);

    [Fact]
    public async Task Read_ReturnsNewestEntriesOldestFirst()
    {
        var sut = CreateSut();
        for (var i = 0; i < 5; i++)
        {
            sut.Append("s", Entry(i));
        }

        var entries = await sut.ReadAsync("s", 3, Ct);

        Assert.Equal(["echo 2", "echo 3", "echo 4"], entries.Select(e => e.Summary));
    }

    [Fact]
    public async Task Append_PastTwiceTheLimit_TrimsToTheNewest()
    {
        var sut = CreateSut(limit: 10);
        for (var i = 0; i < 200; i++)
        {
            sut.Append("s", Entry(i) with { Summary = new string('x', 300) + i });
        }

        var newest = (await sut.ReadAsync("s", 10, Ct))[^1];
        var lines = File.ReadAllLines(Path.Combine(_dir.FullName, "history", "s.jsonl"));

        Assert.True(lines.Length <= 20, $"{lines.Length} lines kept");
        Assert.EndsWith("199", newest.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_LongSummary_IsShortened()
    {
        var sut = CreateSut();

        sut.Append("s", Entry(0) with { Summary = new string('y', 5000) });

        Assert.Equal(501, (await sut.ReadAsync("s", 1, Ct))[0].Summary.Length);
    }

    [Fact]
    public async Task Delete_RemovesTheHistory()
    {
        var sut = CreateSut();
        sut.Append("s", Entry(0));

        sut.Delete("s");

        Assert.Empty(await sut.ReadAsync("s", 10, Ct));
    }

    [Fact]
    public async Task Append_ReachesTheFileWithoutARead_AfterTheBatchWindow()
    {
        await using var sut = CreateSut();
        var file = Path.Combine(_dir.FullName, "history", "s.jsonl");

        sut.Append("s", Entry(1));
        sut.Append("s", Entry(2));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Lines(file) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(2, Lines(file));
    }

    private static int Lines(string file) => File.Exists(file) ? File.ReadAllLines(file).Length : 0;

    [Fact]
    public async Task Dispose_WritesEverythingQueued()
    {
        var sut = CreateSut();
        for (var i = 0; i < 3; i++)
        {
            sut.Append(i % 2 == 0 ? "a" : "b", Entry(i));
        }

        await sut.DisposeAsync();

        Assert.Equal(2, File.ReadAllLines(Path.Combine(_dir.FullName, "history", "a.jsonl")).Length);
        Assert.Single(File.ReadAllLines(Path.Combine(_dir.FullName, "history", "b.jsonl")));
    }
}
