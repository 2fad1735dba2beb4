using SandboxMcp.Common;

namespace SandboxMcp.Children;

/// <summary>A refused or failed child-sandbox request, with the protocol's error code.</summary>
/// <param name="code"><c>INVALID_REQUEST</c>, <c>PERMISSION_DENIED</c>, <c>NOT_FOUND</c>, <c>LIMIT_REACHED</c>, <c>BUSY</c> or <c>INTERNAL_ERROR</c>.</param>
/// <param name="message">What happened and, for a limit, which one.</param>
public sealed class SpawnError(string code, string message) : SandboxException(message)
{
    /// <summary>Malformed request.</summary>
    public const string InvalidRequest = "INVALID_REQUEST";

    /// <summary>The caller may not do this.</summary>
    public const string PermissionDenied = "PERMISSION_DENIED";

    /// <summary>No such child.</summary>
    public const string NotFound = "NOT_FOUND";

    /// <summary>A policy limit would be passed.</summary>
    public const string LimitReached = "LIMIT_REACHED";

    /// <summary>Too many requests at once.</summary>
    public const string Busy = "BUSY";

    /// <summary>Something failed in the server.</summary>
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>The error code.</summary>
    public string Code { get; } = code;
}
