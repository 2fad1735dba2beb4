using System.Diagnostics;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>
/// Runs podman or docker directly from tests (the same configuration the server uses), to look behind the
/// server's back, to plant containers, and to remove everything a test's state directory created.
/// </summary>
public static class EngineCli
{
    /// <summary>The base image the vm tier uses by default, built by images/build-base.sh.</summary>
    public const string BaseImage = "localhost/sandbox-mcp-base:bookworm";

    /// <summary>Runs <paramref name="engine"/> with <paramref name="args"/>; returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string engine, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(engine) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (engine == "podman" && Environment.GetEnvironmentVariable("CONTAINERS_CONF") is null)
        {
            info.Environment["CONTAINERS_CONF"] = TestPaths.PodmanConf;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a command that must succeed and returns its trimmed stdout.</summary>
    public static async Task<string> CheckedAsync(string engine, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, stderr) = await RunAsync(engine, args, cancellationToken);
        Assert.True(exitCode == 0, $"{engine} {string.Join(' ', args)} failed ({exitCode}): {stderr}");
        return stdout.Trim();
    }

    /// <summary>
    /// Fails with the fix when the base image is missing: the vm tests need it, and test.sh builds it
    /// (images/build-base.sh) before running them.
    /// </summary>
    public static void RequireBaseImage(string engine)
    {
        var (exitCode, _, _) = RunAsync(engine, ["image", "inspect", BaseImage], CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(exitCode == 0, $"{BaseImage} is not built for {engine}: run images/build-base.sh (./test.sh does) before the vm tests.");
    }

    /// <summary>The owner id the server derives from its state directory (in every name and label it creates).</summary>
    public static string OwnerOf(string stateDirectory) => ContainerNames.Owner(stateDirectory);

    /// <summary>The container name of a sandbox of a server with this state directory.</summary>
    public static string ContainerOf(string stateDirectory, string sandbox) => ContainerNames.Container(OwnerOf(stateDirectory), sandbox, 128);

    /// <summary>Removes every container, volume, network and image that carries the owner of <paramref name="stateDirectory"/>.</summary>
    public static async Task RemoveOwnedAsync(string engine, string stateDirectory, CancellationToken cancellationToken)
    {
        var owner = OwnerOf(stateDirectory);
        var containers = await Lines(engine, ["ps", "-aq", "--filter", $"label={ContainerNames.OwnerLabel}={owner}"], cancellationToken);
        if (containers.Count > 0)
        {
            await RunAsync(engine, engine == "podman" ? ["rm", "-f", "-t", "0", .. containers] : ["rm", "-f", .. containers], cancellationToken);
        }

        var volumes = await Lines(engine, ["volume", "ls", "-q", "--filter", $"name={owner}"], cancellationToken);
        if (volumes.Count > 0)
        {
            await RunAsync(engine, ["volume", "rm", "-f", .. volumes], cancellationToken);
        }

        // The engine tears a removed container's network namespace down in the background for a moment.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await RunAsync(engine, ["network", "rm", ContainerNames.Network(owner)], cancellationToken)) is { ExitCode: not 0, Stderr: var error }
            && !error.Contains("not found", StringComparison.OrdinalIgnoreCase) && !error.Contains("no such", StringComparison.OrdinalIgnoreCase)
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken);
        }
        var images = (await Lines(engine, ["images", "--format", "{{.Repository}}:{{.Tag}}"], cancellationToken)).Where(i => i.Contains(owner, StringComparison.Ordinal)).ToList();
        if (images.Count > 0)
        {
            await RunAsync(engine, ["rmi", "-f", .. images], cancellationToken);
        }
    }

    private static async Task<List<string>> Lines(string engine, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (_, stdout, _) = await RunAsync(engine, args, cancellationToken);
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
