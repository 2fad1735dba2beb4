namespace SandboxMcp.Packages;

/// <summary>What <c>install</c> did.</summary>
/// <param name="Manager">The package manager used (<c>apt</c>, <c>pip</c> …).</param>
/// <param name="ExitCode">Its exit status; non-zero means nothing can be assumed installed.</param>
/// <param name="Installed">Packages present afterwards, with versions.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Log">The last lines of the installer's output.</param>
public sealed record InstallResult(string Manager, int ExitCode, IReadOnlyList<InstalledPackage> Installed, long DurationMs, string Log);

/// <summary>One installed package.</summary>
/// <param name="Name">Package name.</param>
/// <param name="Version">Version, when the manager reports it.</param>
public sealed record InstalledPackage(string Name, string Version);
