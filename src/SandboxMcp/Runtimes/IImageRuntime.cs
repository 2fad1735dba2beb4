using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Runtimes;

/// <summary>Runtimes that run images and can build them (the container engines).</summary>
public interface IImageRuntime
{
    /// <summary>Builds <paramref name="tag"/> from a Containerfile and a context directory, reporting output lines.</summary>
    Task BuildImageAsync(string containerfile, string tag, string contextDirectory, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>Local images.</summary>
    Task<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken);
}
