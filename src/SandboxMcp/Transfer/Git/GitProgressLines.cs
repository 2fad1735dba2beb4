namespace SandboxMcp.Transfer.Git;

/// <summary>
/// Splits git's <c>--progress</c> stderr into lines (it rewrites one line with <c>\r</c>) and keeps the last few for
/// an error message; every line is scrubbed of secrets before anyone sees it.
/// </summary>
public sealed class GitProgressLines(SecretScrubber scrubber, int keep = 20)
{
    private readonly Queue<string> _last = new();
    private string _partial = "";

    /// <summary>Feeds decoded stderr text; returns the complete lines it finished, scrubbed.</summary>
    public IReadOnlyList<string> Feed(string text)
    {
        var lines = new List<string>();
        var buffer = _partial + text;
        var start = 0;
        for (var i = 0; i < buffer.Length; i++)
        {
            if (buffer[i] is '\r' or '\n')
            {
                Add(buffer[start..i], lines);
                start = i + 1;
            }
        }

        _partial = buffer[start..];
        if (_partial.Length > 4096)
        {
            Add(_partial, lines);
            _partial = "";
        }

        return lines;
    }

    /// <summary>The last lines seen (the unfinished one included), scrubbed, for an error message.</summary>
    public string Tail()
    {
        var lines = _last.ToList();
        if (_partial.Trim().Length > 0)
        {
            lines.Add(scrubber.Scrub(_partial.Trim()));
        }

        // Progress lines repeat with new numbers; an error reads better with only the last of a run.
        return string.Join('\n', lines.Where((line, i) => i == lines.Count - 1 || Phase(line) != Phase(lines[i + 1])));
    }

    /// <summary>The part of a progress line before its numbers, e.g. <c>Receiving objects</c>.</summary>
    public static string Phase(string line) => line.Split(':')[0];

    private void Add(string raw, List<string> lines)
    {
        var line = scrubber.Scrub(raw.Trim());
        if (line.Length == 0)
        {
            return;
        }

        lines.Add(line);
        _last.Enqueue(line);
        while (_last.Count > keep)
        {
            _last.Dequeue();
        }
    }
}
