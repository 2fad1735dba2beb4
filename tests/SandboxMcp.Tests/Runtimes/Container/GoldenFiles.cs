using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

/// <summary>Engine output samples under Golden/, as <see cref="CommandOutput"/>s.</summary>
internal static class GoldenFiles
{
    public static string Text(params string[] path) => File.ReadAllText(Path.Combine([AppContext.BaseDirectory, "Golden", .. path]));

    public static CommandOutput Output(string stdoutFile, int exitCode = 0, string stderr = "") => new(exitCode, Text(stdoutFile.Split('/')), stderr);
}
