namespace SandboxMcp.Packages;

/// <summary>What <c>install</c> did.</summary>
/// <param name="Manager">The package manager used: apt, apk, pip or npm.</param>
/// <param name="Packages">Each requested package with the version now installed.</param>
/// <param name="DurationMs">Wall time of the install.</param>
/// <param name="Note">What else the caller should know (sandbox recreated, out of memory).</param>
public sealed record InstallResult(string Manager, IReadOnlyList<InstalledPackage> Packages, long DurationMs, string? Note);
