using SandboxMcp.Packages;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>Installs packages in a sandbox with its package manager (apt, apk, pip or npm; <c>auto</c> picks one).</summary>
    public Task<InstallResult> InstallAsync(string name, IReadOnlyList<string> packages, string manager, TimeSpan timeout, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        PackageInstaller.Validate(packages, manager);
        return UseAsync(name, sandbox => PackageInstaller.InstallAsync(sandbox, packages, manager, timeout, progress, cancellationToken), cancellationToken);
    }
}
