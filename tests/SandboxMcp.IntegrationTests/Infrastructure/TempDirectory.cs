namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>A fresh directory deleted at dispose (best effort: sandboxes may leave read-only files).</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates a directory under the system temp dir.</summary>
    public TempDirectory(string prefix = "sbx")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
