using ModelContextProtocol;

namespace SandboxMcp.Common;

/// <summary>
/// A failure the caller can act on. The message reaches the model as a tool error, so it says what to do
/// and never carries a secret.
/// </summary>
public class SandboxException(string message, Exception? innerException = null) : McpException(message, innerException);
