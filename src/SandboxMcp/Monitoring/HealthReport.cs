namespace SandboxMcp.Monitoring;

/// <summary>What <c>health</c> reports: every sandbox of this state directory, checked at once.</summary>
/// <param name="Healthy">True when every sandbox is running.</param>
/// <param name="Sandboxes">One entry per sandbox.</param>
public sealed record HealthReport(bool Healthy, IReadOnlyList<SandboxHealth> Sandboxes);
