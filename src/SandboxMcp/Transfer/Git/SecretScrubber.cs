namespace SandboxMcp.Transfer.Git;

/// <summary>Replaces secrets (a token, its encodings, a password in a URL) with <c>***</c> in any text shown or logged.</summary>
public sealed class SecretScrubber
{
    private readonly string[] _secrets;

    /// <summary>Scrubs the given secrets; null and empty ones are ignored.</summary>
    public SecretScrubber(IEnumerable<string?> secrets)
    {
        _secrets = [.. secrets.OfType<string>().Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    /// <summary>The text with every secret replaced.</summary>
    public string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }
}
