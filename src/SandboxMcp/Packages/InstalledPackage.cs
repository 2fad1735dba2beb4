namespace SandboxMcp.Packages;

/// <summary>A package that <c>install</c> installed, with the version now present.</summary>
/// <param name="Name">Package name.</param>
/// <param name="Version">Installed version, or <c>unknown</c>.</param>
public sealed record InstalledPackage(string Name, string Version);
