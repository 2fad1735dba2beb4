namespace SandboxMcp.Configuration;

/// <summary>The configuration cannot be used; the message names the key and what would be valid.</summary>
public sealed class ConfigurationException(string message, Exception? innerException = null) : Exception(message, innerException);
