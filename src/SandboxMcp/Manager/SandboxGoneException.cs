namespace SandboxMcp.Manager;

/// <summary>The sandbox's container or directory disappeared underneath us; the manager recreates it.</summary>
public sealed class SandboxGoneException(string message, Exception? innerException = null) : Exception(message, innerException);
