using Microsoft.Extensions.Logging.Abstractions;
using SandboxMcp.Configuration;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sbx-state-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private ServerPaths Paths => new(Path.Combine(_dir.FullName, "config.json"), Path.Combine(_dir.FullName, "state"));

    private StateStore CreateSut() => new(Paths, NullLogger<StateStore>.Instance);

    private static SandboxRecord Record(string name) => new()
    {
        Name = name,
        Spec = new SandboxSpec { Name = name, Tier = SandboxTier.Native },
        Handle = new RuntimeHandle("native", "/x/" + name, "/x/" + name, "/x/" + name + "/.s"),
        CreatedAt = DateTimeOffset.UnixEpoch,
        LastUsedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task Read_NoFile_IsEmpty()
    {
        var document = await CreateSut().ReadAsync(Ct);

        Assert.Empty(document.Sandboxes);
    }

    [Fact]
    public async Task Update_ThenRead_RoundTripsRecordsWithSchemaVersion()
    {
        var sut = CreateSut();

        await sut.UpdateAsync(d => d.Sandboxes["a"] = Record("a") with { Env = new() { ["K"] = "v" } }, Ct);
        var document = await sut.ReadAsync(Ct);

        Assert.Equal(StateDocument.CurrentSchemaVersion, document.SchemaVersion);
        Assert.Equal("v", document.Sandboxes["a"].Env["K"]);
        Assert.Equal("/x/a", document.Sandboxes["a"].Handle.Id);
        Assert.Contains("\"schemaVersion\": 3", await File.ReadAllTextAsync(Paths.StateFile, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ManyWritersAtOnce_LoseNoChange()
    {
        // Separate store instances stand for separate server processes: they share only the file and its lock.
        var writers = Enumerable.Range(0, 40).Select(i => CreateSut().UpdateAsync(d => d.Sandboxes[$"s{i}"] = Record($"s{i}"), Ct));

        await Task.WhenAll(writers);
        var document = await CreateSut().ReadAsync(Ct);

        Assert.Equal(40, document.Sandboxes.Count);
    }

    [Fact]
    public async Task Update_CorruptFile_IsMovedAsideAndStateStartsEmpty()
    {
        Directory.CreateDirectory(Paths.StateDirectory);
        await File.WriteAllTextAsync(Paths.StateFile, "{ broken", Ct);
        var sut = CreateSut();

        await sut.UpdateAsync(d => d.Sandboxes["a"] = Record("a"), Ct);

        Assert.Single((await sut.ReadAsync(Ct)).Sandboxes);
        Assert.Single(Directory.GetFiles(Paths.StateDirectory, "state.json.corrupt-*"));
    }

    [Fact]
    public async Task Update_NewerSchema_IsRefusedAndFileUntouched()
    {
        Directory.CreateDirectory(Paths.StateDirectory);
        const string newer = """{"schemaVersion": 99, "sandboxes": {}}""";
        await File.WriteAllTextAsync(Paths.StateFile, newer, Ct);

        var ex = await Assert.ThrowsAsync<SandboxMcp.Common.SandboxException>(() => CreateSut().UpdateAsync(d => d.Sandboxes.Clear(), Ct));

        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await File.ReadAllTextAsync(Paths.StateFile, Ct));
    }

    [Fact]
    public async Task Update_FileIsPrivateToTheUser()
    {
        await CreateSut().UpdateAsync(d => d.Sandboxes["a"] = Record("a"), Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Paths.StateFile));
    }
}
