using System.Runtime.CompilerServices;
using System.Runtime.Versioning;

// Sandboxes need POSIX processes, signals and shells: macOS and Linux only.
[assembly: UnsupportedOSPlatform("windows")]
[assembly: InternalsVisibleTo("SandboxMcp.Tests")]
[assembly: InternalsVisibleTo("SandboxMcp.IntegrationTests")]
[assembly: InternalsVisibleTo("DynamicProxyGenAssembly2")]
