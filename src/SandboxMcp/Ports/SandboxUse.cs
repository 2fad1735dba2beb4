namespace SandboxMcp.Ports;

/// <summary>Marks a sandbox busy while a forwarded connection is open, so the idle sweep does not reap it.</summary>
/// <param name="Begin">Called when a connection opens.</param>
/// <param name="End">Called when it closes.</param>
public sealed record SandboxUse(Action Begin, Action End);
