using System.Diagnostics;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>
/// Removes what a test server left on a container engine (sandboxes outlive their server by design), by the
/// owner label of its state directory, so tests never leak containers or volumes into each other.
/// </summary>
public static class ContainerCleanup
{
    /// <summary>Skips (or fails, when required) unless the engine works and has the base image.</summary>
    public static void RequireEngineWithBaseImage(string engine)
    {
        Engines.Require(engine);
        var (exit, _) = Run(engine, ["image", "inspect", "localhost/sandbox-mcp-base:bookworm"]);
        if (exit != 0)
        {
            Assert.Fail($"{engine} has no localhost/sandbox-mcp-base:bookworm: run images/build-base.sh (test.sh does)");
        }
    }

    /// <summary>Removes containers and volumes labelled with the owner of <paramref name="stateDirectory"/>.</summary>
    public static void RemoveOwned(string engine, string stateDirectory)
    {
        var owner = ContainerNames.Owner(stateDirectory);
        var (_, containers) = Run(engine, ["ps", "-aq", "--filter", $"label={ContainerNames.OwnerLabel}={owner}"]);
        var ids = containers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > 0)
        {
            Run(engine, ["rm", "-f", .. ids]);
        }

        var (_, volumes) = Run(engine, ["volume", "ls", "-q", "--filter", $"label={ContainerNames.OwnerLabel}={owner}"]);
        var names = volumes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length > 0)
        {
            Run(engine, ["volume", "rm", "-f", .. names]);
        }
    }

    private static (int Exit, string Stdout) Run(string engine, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(engine) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (engine == "podman" && Environment.GetEnvironmentVariable("CONTAINERS_CONF") is null && PodmanConfiguration.NeedsOwnConfiguration())
        {
            info.Environment["CONTAINERS_CONF"] = TestPaths.PodmanConf;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout);
    }
}
