using System.Diagnostics;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>
/// Engine presence for tests: a missing engine skips the test with its reason, unless SANDBOXMCP_REQUIRE names
/// it (CI does), in which case the test fails.
/// </summary>
public static class Engines
{
    private static readonly Dictionary<string, Lazy<string?>> Probes = new(StringComparer.Ordinal)
    {
        ["native"] = new(() => File.Exists("/bin/sh") ? null : "/bin/sh is missing"),
        ["bwrap"] = new(() => Probe("bwrap", ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "true"], "apt-get install bubblewrap")),
        ["podman"] = new(() => Probe("podman", ["info", "--format", "{{.Host.Arch}}"], "apt-get install podman")),
        ["docker"] = new(() => Probe("docker", ["info", "--format", "{{.ServerVersion}}"], "apt-get install docker.io and start dockerd")),
    };

    /// <summary>Engines named in SANDBOXMCP_REQUIRE.</summary>
    public static IReadOnlySet<string> Required { get; } =
        (Environment.GetEnvironmentVariable("SANDBOXMCP_REQUIRE") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Skips (or, when required, fails) the current test unless <paramref name="engine"/> works here.</summary>
    public static void Require(string engine)
    {
        if (!Probes.TryGetValue(engine, out var probe))
        {
            throw new ArgumentException($"Unknown engine {engine}", nameof(engine));
        }

        if (probe.Value is not { } reason)
        {
            return;
        }

        var message = $"{engine} is not usable here: {reason}";
        if (Required.Contains(engine))
        {
            Assert.Fail(message + " (SANDBOXMCP_REQUIRE names it)");
        }

        Assert.Skip(message);
    }

    private static string? Probe(string program, string[] args, string fix)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            if (program == "podman" && Environment.GetEnvironmentVariable("CONTAINERS_CONF") is null)
            {
                info.Environment["CONTAINERS_CONF"] = TestPaths.PodmanConf;
            }

            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(true);
                return $"{program} did not answer within 30 s";
            }

            return process.ExitCode == 0 ? null : $"{program} failed ({process.ExitCode}): {stderr.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{program} is not installed ({fix})";
        }
    }
}
