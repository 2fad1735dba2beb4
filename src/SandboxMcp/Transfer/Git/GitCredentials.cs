using System.Text;

namespace SandboxMcp.Transfer.Git;

/// <summary>
/// A token handed to one git process only, through its environment: git reads <c>GIT_CONFIG_COUNT</c>/<c>KEY_n</c>/
/// <c>VALUE_n</c> as command-line configuration, so nothing is written to a config file or appears in argv.
/// </summary>
public static class GitCredentials
{
    /// <summary>The environment for a clone: no prompts, only safe protocols, and the token as an HTTP header.</summary>
    public static Dictionary<string, string> Environment(string? token)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_ASKPASS"] = "true",
            ["SSH_ASKPASS"] = "true",
            ["GIT_ALLOW_PROTOCOL"] = string.Join(':', GitUrl.Schemes),
        };
        if (!string.IsNullOrEmpty(token))
        {
            env["GIT_CONFIG_COUNT"] = "1";
            env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            env["GIT_CONFIG_VALUE_0"] = Header(token);
        }

        return env;
    }

    /// <summary>The header value: HTTP Basic with user <c>x-access-token</c>, which GitHub, GitLab and Gitea accept.</summary>
    public static string Header(string token) => "Authorization: Basic " + Base64(token);

    /// <summary>Everything that reveals the token, for <see cref="SecretScrubber"/>.</summary>
    public static IEnumerable<string?> Secrets(string? token, string url)
    {
        yield return token;
        if (!string.IsNullOrEmpty(token))
        {
            yield return Base64(token);
            yield return Header(token);
        }

        if (GitUrl.UserInfo(url) is { } userInfo)
        {
            yield return userInfo;
            yield return Uri.UnescapeDataString(userInfo);
            if (userInfo.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                yield return userInfo[(colon + 1)..];
                yield return Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }
    }

    private static string Base64(string token) => Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + token));
}
