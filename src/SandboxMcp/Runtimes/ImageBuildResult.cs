namespace SandboxMcp.Runtimes;

/// <summary>A finished image build.</summary>
/// <param name="Tag">The tag built.</param>
/// <param name="Engine">The engine that built it.</param>
/// <param name="DurationMs">Wall time of the build.</param>
/// <param name="OutputTail">The last lines of the build output.</param>
public sealed record ImageBuildResult(string Tag, string Engine, long DurationMs, string OutputTail);
