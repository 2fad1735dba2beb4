using System.Text;
using System.Text.RegularExpressions;

namespace SandboxMcp.Transfer.Sync;

/// <summary>
/// The common part of <c>.gitignore</c>: <c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>**</c>, <c>dir/</c> (directories only),
/// <c>/rooted</c> and patterns with a slash anchored at the root, <c>!</c> negation (last match wins), <c>#</c> comments
/// and <c>\</c> escapes. As in git, nothing inside an ignored directory can be re-included. <c>.git/</c> is always ignored.
/// </summary>
public sealed class GitIgnore
{
    private readonly List<Rule> _rules;

    private GitIgnore(List<Rule> rules) => _rules = rules;

    /// <summary>Only <c>.git/</c>.</summary>
    public static GitIgnore Empty { get; } = new([]);

    /// <summary>Patterns from the text of a <c>.gitignore</c> at the root.</summary>
    public static GitIgnore Parse(string text)
    {
        var rules = new List<Rule>();
        foreach (var raw in text.Split('\n'))
        {
            var line = TrimTrailingSpaces(raw.TrimEnd('\r'));
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var negated = line.StartsWith('!');
            if (negated)
            {
                line = line[1..];
            }

            var directoryOnly = line.EndsWith('/') && !line.EndsWith("\\/", StringComparison.Ordinal);
            if (directoryOnly)
            {
                line = line.TrimEnd('/');
            }

            if (line.Length == 0)
            {
                continue;
            }

            var anchored = line.Contains('/', StringComparison.Ordinal);
            rules.Add(new Rule(new Regex(ToRegex(line.TrimStart('/'), anchored), RegexOptions.CultureInvariant), negated, directoryOnly));
        }

        return new GitIgnore(rules);
    }

    /// <summary>The rules of <c>ROOT/.gitignore</c>, or only <c>.git/</c> when there is none.</summary>
    public static GitIgnore Load(string root)
    {
        var file = Path.Combine(root, ".gitignore");
        return File.Exists(file) ? Parse(File.ReadAllText(file)) : Empty;
    }

    /// <summary>True when <paramref name="relative"/> (with <c>/</c>) or a directory above it is ignored.</summary>
    public bool IsIgnored(string relative, bool isDirectory)
    {
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Contains(".git", StringComparer.Ordinal))
        {
            return true;
        }

        for (var i = 1; i < parts.Length; i++)
        {
            if (Matches(string.Join('/', parts[..i]), isDirectory: true))
            {
                return true;
            }
        }

        return Matches(string.Join('/', parts), isDirectory);
    }

    private bool Matches(string path, bool isDirectory)
    {
        var ignored = false;
        foreach (var rule in _rules)
        {
            if ((!rule.DirectoryOnly || isDirectory) && rule.Pattern.IsMatch(path))
            {
                ignored = !rule.Negated;
            }
        }

        return ignored;
    }

    /// <summary>A glob as an anchored regular expression over a relative path.</summary>
    internal static string ToRegex(string glob, bool anchored)
    {
        var regex = new StringBuilder("^");
        if (!anchored)
        {
            regex.Append("(?:.*/)?");
        }

        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var atStart = i == 0 || glob[i - 1] == '/';
                if (atStart && i + 2 < glob.Length && glob[i + 2] == '/')
                {
                    regex.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    regex.Append(".*");
                    i++;
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else if (c == '[' && glob.IndexOf(']', i + 2) is var close and > 0)
            {
                var body = glob[(i + 1)..close];
                regex.Append('[').Append(body.StartsWith('!') ? "^" + Escape(body[1..]) : Escape(body)).Append(']');
                i = close;
            }
            else if (c == '\\' && i + 1 < glob.Length)
            {
                regex.Append(Regex.Escape(glob[++i].ToString()));
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append('$').ToString();
    }

    private static string Escape(string classBody) => classBody.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);

    private static string TrimTrailingSpaces(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] == ' ' && (end < 2 || line[end - 2] != '\\'))
        {
            end--;
        }

        return line[..end];
    }

    private sealed record Rule(Regex Pattern, bool Negated, bool DirectoryOnly);
}
