namespace SandboxMcp.Runtimes.Container;

/// <summary>The <c>exec -i</c> argv, which podman, docker and Apple <c>container</c> spell the same way.</summary>
internal static class ExecArguments
{
    /// <summary>
    /// <c>exec -i [-w DIR] [-e NAME]… [-e NAME=VALUE]… CONTAINER ARGV…</c>: passed variables go by name only, so their
    /// values (tokens) travel in the client's environment, never in its argument list.
    /// </summary>
    public static IReadOnlyList<string> Build(string container, string? workDir, IReadOnlyList<string> passedEnv, IReadOnlyDictionary<string, string> inlineEnv, IReadOnlyList<string> argv)
    {
        List<string> args = ["exec", "-i"];
        if (workDir is not null)
        {
            args.AddRange(["-w", workDir]);
        }

        foreach (var key in passedEnv)
        {
            args.AddRange(["-e", key]);
        }

        foreach (var (key, value) in inlineEnv)
        {
            args.AddRange(["-e", $"{key}={value}"]);
        }

        args.Add(container);
        args.AddRange(argv);
        return args;
    }
}
