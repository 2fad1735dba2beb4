using SandboxMcp.Common;

namespace SandboxMcp.Shell;

/// <summary>A fresh shell could not be started or did not answer; the sandbox itself may be gone.</summary>
public sealed class ShellStartException(string message, Exception? innerException = null) : SandboxException(message, innerException);
