using System.Text.RegularExpressions;
using SandboxMcp.Common;

namespace SandboxMcp.Transfer.Git;

/// <summary>
/// Checks a repository URL before git sees it: only http, https, git, ssh and file URLs (and scp-like
/// <c>user@host:path</c>); never git's <c>transport::address</c> helpers (<c>ext::</c> runs commands), never an
/// argument that starts with <c>-</c>, never a host that does.
/// </summary>
public static partial class GitUrl
{
    /// <summary>URL schemes git_clone accepts.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["http", "https", "git", "ssh", "file"];

    /// <summary>Returns <paramref name="url"/> when git may be given it; throws with what to do otherwise.</summary>
    public static string Validate(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw Invalid(url, "it is empty");
        }

        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw Invalid(url, "it contains spaces or control characters");
        }

        if (url.StartsWith('-'))
        {
            throw Invalid(url, "it starts with '-', which git would read as an option");
        }

        if (TransportRegex().IsMatch(url))
        {
            throw Invalid(url, "git's 'transport::address' form (ext::, fd:: …) can run commands and is not allowed");
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var name = url[..scheme].ToLowerInvariant();
            if (!Schemes.Contains(name, StringComparer.Ordinal))
            {
                throw Invalid(url, $"scheme '{name}' is not one of {string.Join(", ", Schemes)}");
            }

            var host = Host(url[(scheme + 3)..]);
            if (name != "file" && (host.Length == 0 || host.StartsWith('-')))
            {
                throw Invalid(url, "its host is empty or starts with '-'");
            }

            return url;
        }

        var scp = ScpRegex().Match(url);
        if (scp.Success && !scp.Groups["host"].Value.StartsWith('-'))
        {
            return url;
        }

        throw Invalid(url, "it is not a URL: use https://host/owner/repo.git, git@host:owner/repo.git, or file:///path/in/the/sandbox");
    }

    /// <summary>The URL with any user information (a password or token in it) replaced by <c>***</c>, for display.</summary>
    public static string Redact(string url) => UserInfoSpan(url) is { } span ? url[..span.Start] + "***" + url[span.End..] : url;

    /// <summary>The user information of a URL (it may hold a token), or null.</summary>
    public static string? UserInfo(string url) => UserInfoSpan(url) is { } span && span.End > span.Start ? url[span.Start..span.End] : null;

    /// <summary>The directory git would clone into: the last path part without <c>.git</c> (<c>repo</c> when there is none).</summary>
    public static string DefaultDirectory(string url)
    {
        var trimmed = url.TrimEnd('/');
        if (trimmed.EndsWith("/.git", StringComparison.Ordinal))
        {
            trimmed = trimmed[..^5];
        }

        var last = trimmed[(trimmed.LastIndexOfAny(['/', ':']) + 1)..];
        if (last.EndsWith(".git", StringComparison.Ordinal))
        {
            last = last[..^4];
        }

        return last.Length == 0 || last is "." or ".." ? "repo" : last;
    }

    /// <summary>Where the user information of a <c>scheme://user@host/…</c> URL starts and its <c>@</c> is.</summary>
    private static (int Start, int End)? UserInfoSpan(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var start = scheme + 3;
        var slash = url.IndexOf('/', start);
        var at = url.LastIndexOf('@', (slash < 0 ? url.Length : slash) - 1, (slash < 0 ? url.Length : slash) - start);
        return at < 0 ? null : (start, at);
    }

    private static string Host(string afterScheme)
    {
        var authority = afterScheme.Split('/')[0];
        return authority[(authority.LastIndexOf('@') + 1)..];
    }

    private static SandboxException Invalid(string? url, string why) =>
        new($"Invalid repository URL '{InputValidation.Printable(url is null ? null : Redact(url))}': {why}.");

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*::")]
    private static partial Regex TransportRegex();

    [GeneratedRegex(@"^(?:[A-Za-z0-9._~+-]+@)?(?<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?!//)[^\s]*$")]
    private static partial Regex ScpRegex();
}
