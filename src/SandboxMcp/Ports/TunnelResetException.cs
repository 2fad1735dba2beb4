namespace SandboxMcp.Ports;

/// <summary>The sandbox end of a forwarded connection failed (refused, reset, or its tunnel process died): reset the client.</summary>
public sealed class TunnelResetException : IOException
{
    /// <summary>Creates one with the reason.</summary>
    public TunnelResetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates one.</summary>
    public TunnelResetException()
    {
    }

    /// <summary>Creates one with the reason and its cause.</summary>
    public TunnelResetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
