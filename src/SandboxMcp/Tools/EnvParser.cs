using SandboxMcp.Common;

namespace SandboxMcp.Tools;

/// <summary>Parses the output of <c>env</c>; a line that is not <c>NAME=</c> continues the previous value.</summary>
internal static class EnvParser
{
    public static SortedDictionary<string, string> Parse(string output)
    {
        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in output.Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && InputValidation.IsEnvKey(line[..equals]))
            {
                current = line[..equals];
                variables[current] = line[(equals + 1)..];
            }
            else if (current is not null && line.Length > 0)
            {
                variables[current] += "\n" + line;
            }
        }

        return variables;
    }
}
