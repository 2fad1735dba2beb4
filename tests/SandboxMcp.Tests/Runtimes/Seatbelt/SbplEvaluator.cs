using System.Text;
using System.Text.RegularExpressions;
using SandboxMcp.Runtimes.Seatbelt;

namespace SandboxMcp.Tests.Runtimes.Seatbelt;

/// <summary>
/// Decides file operations the way Seatbelt does for the subset of SBPL our profiles use: rules in order, the
/// last matching rule wins; filters <c>subpath</c>, <c>literal</c>, <c>regex</c>, <c>require-all</c>,
/// <c>require-not</c> and <c>param</c>. Lets tests ask "may this profile read that path?" without a Mac.
/// </summary>
internal sealed class SbplEvaluator
{
    private readonly List<object> _forms;
    private readonly Dictionary<string, string> _parameters;

    public SbplEvaluator(SeatbeltProfile profile)
    {
        _forms = Parse(profile.Text);
        _parameters = profile.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>True when the last rule matching <paramref name="operation"/> on <paramref name="path"/> allows it.</summary>
    public bool Allows(string operation, string path)
    {
        var allowed = false;
        foreach (var form in _forms.OfType<List<object>>())
        {
            if (form.Count == 0 || form[0] is not Symbol { Name: "allow" or "deny" } verb)
            {
                continue;
            }

            var operations = form.Skip(1).OfType<Symbol>().Select(s => s.Name).ToList();
            var filters = form.Skip(1).OfType<List<object>>().ToList();
            if (operations.Any(o => Covers(o, operation)) && (filters.Count == 0 || filters.Any(f => Matches(f, path))))
            {
                allowed = verb.Name == "allow";
            }
        }

        return allowed;
    }

    private static bool Covers(string rule, string operation) =>
        rule == "default" || rule == operation || (rule.EndsWith('*') && operation.StartsWith(rule[..^1], StringComparison.Ordinal));

    private bool Matches(List<object> filter, string path)
    {
        var head = ((Symbol)filter[0]).Name;
        return head switch
        {
            "subpath" => path == Value(filter[1]) || path.StartsWith(Value(filter[1]).TrimEnd('/') + "/", StringComparison.Ordinal),
            "literal" or "path-literal" => path == Value(filter[1]),
            "regex" => Regex.IsMatch(path, ((RegexText)filter[1]).Pattern),
            "require-all" => filter.Skip(1).Cast<List<object>>().All(f => Matches(f, path)),
            "require-not" => !Matches((List<object>)filter[1], path),
            _ => false,
        };
    }

    private string Value(object argument) => argument switch
    {
        string text => text,
        List<object> { Count: 2 } call when call[0] is Symbol { Name: "param" } => _parameters[(string)call[1]],
        _ => throw new InvalidOperationException($"Unsupported value {argument}"),
    };

    private sealed record Symbol(string Name);

    private sealed record RegexText(string Pattern);

    private static List<object> Parse(string text)
    {
        var position = 0;
        var top = new List<object>();
        while (Next(text, ref position) is { } item)
        {
            top.Add(item);
        }

        return top;
    }

    private static object? Next(string text, ref int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else if (text[i] == ';')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else
            {
                break;
            }
        }

        if (i >= text.Length || text[i] == ')')
        {
            i++;
            return null;
        }

        if (text[i] == '(')
        {
            i++;
            var list = new List<object>();
            while (Next(text, ref i) is { } item)
            {
                list.Add(item);
            }

            return list;
        }

        if (text[i] == '"' || (text[i] == '#' && text[i + 1] == '"'))
        {
            var isRegex = text[i] == '#';
            i += isRegex ? 2 : 1;
            var value = new StringBuilder();
            while (text[i] != '"')
            {
                value.Append(text[i] == '\\' ? text[++i] : text[i]);
                i++;
            }

            i++;
            return isRegex ? new RegexText(value.ToString()) : value.ToString();
        }

        var start = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '(' && text[i] != ')')
        {
            i++;
        }

        return new Symbol(text[start..i]);
    }
}
