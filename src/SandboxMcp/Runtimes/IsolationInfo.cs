namespace SandboxMcp.Runtimes;

/// <summary>What really separates a sandbox from the host, as reported by <c>status</c>.</summary>
/// <param name="Engine">The program doing it (<c>native</c>, <c>podman 4.3.1</c>, <c>bwrap 0.8.0</c>).</param>
/// <param name="Isolation">A plain sentence: VM, namespaces, OS sandbox, or none.</param>
/// <param name="Limits">Limits that are enforced, one phrase each.</param>
/// <param name="Network">Network access as enforced.</param>
/// <param name="Policy">For OS sandboxes: what may be written, read and never touched, one phrase each.</param>
public sealed record IsolationInfo(string Engine, string Isolation, IReadOnlyList<string> Limits, string Network, IReadOnlyList<string>? Policy = null);
