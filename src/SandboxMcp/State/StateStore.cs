using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Configuration;

namespace SandboxMcp.State;

/// <summary>
/// Reads and writes state.json. Every change is a read-modify-write under <see cref="FileLock"/> and lands with
/// a temp file and a rename, so concurrent servers never lose each other's sandboxes and a crash never leaves
/// half a file.
/// </summary>
public sealed partial class StateStore(ServerPaths paths, ILogger<StateStore> logger)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Serializer options for the state file.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private string LockFile => paths.StateFile + ".lock";

    /// <summary>Reads the current state; no lock needed because writers rename whole files into place.</summary>
    public async Task<StateDocument> ReadAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        return await LoadAsync(quarantineCorrupt: false, cancellationToken);
    }

    /// <summary>Applies <paramref name="change"/> to the freshest state under the lock and saves it.</summary>
    public Task<T> UpdateAsync<T>(Func<StateDocument, T> change, CancellationToken cancellationToken) =>
        UpdateAsync(document => Task.FromResult(change(document)), cancellationToken);

    /// <summary>
    /// Applies an asynchronous <paramref name="change"/> under the lock, for work that must not race another
    /// server (creating a sandbox of a name nobody owns yet). Keep it short: other servers wait.
    /// </summary>
    public async Task<T> UpdateAsync<T>(Func<StateDocument, Task<T>> change, CancellationToken cancellationToken)
    {
        EnsureDirectory();
        using var fileLock = await FileLock.AcquireAsync(LockFile, LockTimeout, cancellationToken);
        var document = await LoadAsync(quarantineCorrupt: true, cancellationToken);
        if (document.SchemaVersion > StateDocument.CurrentSchemaVersion)
        {
            throw new SandboxException(
                $"{paths.StateFile} has schema version {document.SchemaVersion}, newer than this server understands ({StateDocument.CurrentSchemaVersion}): update sandbox-mcp, or point XDG_STATE_HOME elsewhere.");
        }

        var result = await change(document);
        document.SchemaVersion = StateDocument.CurrentSchemaVersion;
        var temp = $"{paths.StateFile}.{Environment.ProcessId}.tmp";
        await using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await JsonSerializer.SerializeAsync(stream, document, JsonOptions, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, paths.StateFile, overwrite: true);
        return result;
    }

    /// <summary>Applies <paramref name="change"/> under the lock.</summary>
    public Task UpdateAsync(Action<StateDocument> change, CancellationToken cancellationToken) =>
        UpdateAsync(document =>
        {
            change(document);
            return true;
        }, cancellationToken);

    private async Task<StateDocument> LoadAsync(bool quarantineCorrupt, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(paths.StateFile);
            return await JsonSerializer.DeserializeAsync<StateDocument>(stream, JsonOptions, cancellationToken) ?? new StateDocument();
        }
        catch (FileNotFoundException)
        {
            return new StateDocument();
        }
        catch (JsonException ex) when (quarantineCorrupt)
        {
            // Keep the damaged file for a human; carry on with no known sandboxes rather than refuse to start.
            var aside = $"{paths.StateFile}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
            File.Move(paths.StateFile, aside, overwrite: true);
            LogCorrupt(ex, aside);
            return new StateDocument();
        }
        catch (JsonException)
        {
            return new StateDocument();
        }
    }

    private void EnsureDirectory() =>
        Directory.CreateDirectory(paths.StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    [LoggerMessage(Level = LogLevel.Warning, Message = "state.json could not be parsed; moved it to {Aside} and started empty")]
    private partial void LogCorrupt(Exception exception, string aside);
}
