using System.Diagnostics;
using System.Text.RegularExpressions;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Packages;

/// <summary>Installs packages in a sandbox with apt, apk, dnf, pip or npm, streaming the installer's output as progress.</summary>
public static partial class PackageInstaller
{
    /// <summary>Package managers <c>install</c> accepts.</summary>
    public static readonly string[] Managers = ["auto", "apt", "pip", "npm", "apk", "dnf"];

    private const int LogLines = 40;

    /// <summary>Checks the request before anything runs; returns the manager to use.</summary>
    public static string Validate(IReadOnlyList<string>? packages, string? manager, SandboxTier tier)
    {
        if (packages is null || packages.Count == 0)
        {
            throw new SandboxException("'packages' is empty: name at least one package, e.g. [\"jq\"].");
        }

        foreach (var package in packages)
        {
            if (string.IsNullOrEmpty(package) || !PackageRegex().IsMatch(package))
            {
                throw new SandboxException($"'{InputValidation.Printable(package)}' is not a package name: use names like jq, numpy==1.26, @types/node, or curl=7.88.1-10.");
            }
        }

        var chosen = manager ?? "auto";
        if (!Managers.Contains(chosen, StringComparer.Ordinal))
        {
            throw new SandboxException($"Unknown manager '{InputValidation.Printable(chosen)}': use auto, apt, pip or npm (apk, dnf on images that have them).");
        }

        if (tier == SandboxTier.Native && chosen is "auto" or "apt" or "apk" or "dnf")
        {
            throw new SandboxException("The native tier runs on the host: a system package manager would change this machine. Use manager pip or npm (installed into the sandbox's home), or a vm sandbox.");
        }

        return chosen;
    }

    /// <summary>Runs the installer; never throws for a failed install (the result carries its exit code and log).</summary>
    public static async Task<InstallResult> InstallAsync(IProcessLauncher launcher, IReadOnlyList<string> packages, string manager, bool userInstall, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var process = await launcher.StartAsync(
            new ProcessSpec(["sh", "-c", InstallScript.Text, "sandbox-mcp-install", manager, userInstall ? "user" : "system", .. packages]),
            cancellationToken);
        await process.StandardInput.DisposeAsync();
        var log = new Queue<string>();
        var installed = new List<InstalledPackage>();
        var used = manager;
        var gate = new Lock();
        void OnLine(string line)
        {
            lock (gate)
            {
                if (line.StartsWith("installed ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', 3);
                    installed.Add(new InstalledPackage(parts[1], parts.Length > 2 ? parts[2] : ""));
                    return;
                }

                if (line.StartsWith("sandbox-mcp: installing with ", StringComparison.Ordinal))
                {
                    used = line["sandbox-mcp: installing with ".Length..].Split(':')[0];
                }

                log.Enqueue(line);
                if (log.Count > LogLines)
                {
                    log.Dequeue();
                }
            }

            progress?.Report(line);
        }

        await Task.WhenAll(ReadLinesAsync(process.StandardOutput, OnLine, cancellationToken), ReadLinesAsync(process.StandardError, OnLine, cancellationToken));
        var exitCode = await process.WaitForExitAsync(cancellationToken);
        return new InstallResult(used, exitCode, installed, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, string.Join('\n', log));
    }

    private static async Task ReadLinesAsync(Stream stream, Action<string> onLine, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            onLine(line);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9@][A-Za-z0-9@+._:=/<>~^!,-]*$")]
    private static partial Regex PackageRegex();
}
