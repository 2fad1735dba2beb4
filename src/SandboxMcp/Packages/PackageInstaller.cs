using System.Text;
using System.Text.RegularExpressions;
using SandboxMcp.Common;
using SandboxMcp.Manager;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Packages;

/// <summary>
/// Installs packages in a sandbox through its persistent shell (so an install is serialized with commands, audited,
/// and killed as a tree on timeout), reporting the latest line of its log as progress while it runs.
/// </summary>
public static partial class PackageInstaller
{
    /// <summary>Values <c>manager</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Managers = ["auto", "apt", "apk", "pip", "npm"];

    private const int MaxPackages = 100;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>Checks the request; throws a <see cref="SandboxException"/> that says what is wrong.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<string>? packages, string manager)
    {
        if (!Managers.Contains(manager, StringComparer.Ordinal))
        {
            throw new SandboxException($"Unknown manager '{InputValidation.Printable(manager)}': use {string.Join(", ", Managers)}.");
        }

        if (packages is null || packages.Count == 0)
        {
            throw new SandboxException("'packages' is empty: give package names, e.g. [\"jq\"] (apt), [\"requests>=2\"] (pip), [\"typescript\"] (npm).");
        }

        if (packages.Count > MaxPackages)
        {
            throw new SandboxException($"Too many packages ({packages.Count}): install at most {MaxPackages} per call.");
        }

        foreach (var package in packages)
        {
            if (package is null || package.Length > 200 || !PackageRegex().IsMatch(package))
            {
                throw new SandboxException(
                    $"Invalid package '{InputValidation.Printable(package)}': use a name with an optional version, e.g. jq, jq=1.6-2.1, requests>=2.31, @types/node@20 (no spaces, not starting with '-').");
            }
        }

        return packages;
    }

    /// <summary>Installs <paramref name="packages"/> in <paramref name="sandbox"/> and lists what is installed.</summary>
    public static async Task<InstallResult> InstallAsync(Sandbox sandbox, IReadOnlyList<string> packages, string manager, TimeSpan timeout, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var log = sandbox.Handle.ScratchDir + "/install.log";
        var scope = sandbox.Spec.Tier == SandboxTier.Vm ? "system" : "user";
        var command = new StringBuilder("sh -c ").Append(ShellQuoting.Quote(InstallScript.Text)).Append(" sandbox-mcp-install");
        foreach (var argument in new[] { log, scope, manager }.Concat(packages))
        {
            command.Append(' ').Append(ShellQuoting.Quote(argument));
        }

        progress?.Report($"installing {string.Join(' ', packages)} ({manager})");
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = progress is null ? Task.CompletedTask : ReportProgressAsync(sandbox, log, progress, watching.Token);
        CommandResult result;
        try
        {
            result = await sandbox.ExecAsync(command.ToString(), null, timeout, "install", $"{manager}: {string.Join(' ', packages)}", cancellationToken);
        }
        finally
        {
            await watching.CancelAsync();
            await watcher;
        }

        return Interpret(result, manager, timeout);
    }

    /// <summary>Turns the script's output into a result, or an error that says what went wrong.</summary>
    internal static InstallResult Interpret(CommandResult result, string manager, TimeSpan timeout)
    {
        var used = manager;
        var installed = new List<InstalledPackage>();
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 3);
            if (parts is ["manager", var name])
            {
                used = name;
            }
            else if (parts is ["pkg", var package, var version])
            {
                installed.Add(new InstalledPackage(package, version));
            }
        }

        if (result.TimedOut)
        {
            throw new SandboxException($"install ({used}) timed out after {timeout.TotalSeconds:0} s and was stopped: give a longer timeout, or fewer packages per call.");
        }

        if (result.ExitCode != 0)
        {
            var note = result.Note is null ? "" : $" ({result.Note})";
            throw new SandboxException($"{used} could not install the packages (exit {result.ExitCode}){note}:\n{result.Stderr.Trim()}");
        }

        return new InstallResult(used, installed, result.DurationMs, result.Note);
    }

    /// <summary>Every couple of seconds, the last line of the install log as a progress message.</summary>
    private static async Task ReportProgressAsync(Sandbox sandbox, string log, IProgress<string> progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        var last = "";
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var output = await sandbox.Launcher.RunAsync(new ProcessSpec(["tail", "-n", "1", log]), ReadOnlyMemory<byte>.Empty, 4096, cancellationToken);
                var line = output.Stdout.Decode().Trim();
                if (line.Length > 0 && line != last)
                {
                    progress.Report(line);
                    last = line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The install ended.
        }
        catch (SandboxException)
        {
            // Progress is a courtesy; the install itself reports failures.
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9@._][A-Za-z0-9@+._:=<>!~/,\[\]*-]*$")]
    private static partial Regex PackageRegex();
}
