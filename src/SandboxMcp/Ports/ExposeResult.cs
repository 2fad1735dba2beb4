namespace SandboxMcp.Ports;

/// <summary>The result of <c>expose</c>: the forward, and why its host port is what it is.</summary>
/// <param name="Forward">The forward.</param>
/// <param name="AlreadyExposed">True when the same forward existed already and was returned as it is.</param>
/// <param name="Note">Why the host port differs from the sandbox port, or null.</param>
public sealed record ExposeResult(ForwardInfo Forward, bool AlreadyExposed, string? Note);
