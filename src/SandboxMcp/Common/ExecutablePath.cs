namespace SandboxMcp.Common;

/// <summary>Finds programs the way a shell would: the server's PATH, then the standard system directories.</summary>
public static class ExecutablePath
{
    private static readonly string[] SystemDirectories = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    /// <summary>The absolute path of <paramref name="program"/>, or null when it is not installed.</summary>
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Where(Path.IsPathRooted)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
