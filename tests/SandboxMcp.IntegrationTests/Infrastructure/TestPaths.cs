namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>Paths of the built server and of the repository.</summary>
public static class TestPaths
{
    /// <summary>The server assembly, copied next to the tests by the project reference.</summary>
    public static string ServerDll { get; } = Path.Combine(AppContext.BaseDirectory, "SandboxMcp.dll");

    /// <summary>The dotnet host running these tests, used to start the server.</summary>
    public static string DotnetHost { get; } = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    /// <summary>The repository root (holds SandboxMcp.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The podman configuration the server uses on this kind of machine (see images/).</summary>
    public static string PodmanConf => Path.Combine(RepositoryRoot, "images", "containers.conf");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SandboxMcp.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SandboxMcp.sln not found above " + AppContext.BaseDirectory);
    }
}
