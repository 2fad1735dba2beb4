using System.Globalization;
using SandboxMcp.Shell;

namespace SandboxMcp.Background;

/// <summary>
/// The shell code of background processes. User text (commands, paths, URLs) only ever arrives as a positional
/// argument; these scripts are constants.
/// </summary>
internal static class BackgroundScripts
{
    /// <summary>
    /// Starts <c>$4</c> as the shell would: with the variables the persistent shell exported (its state file, <c>$1</c>)
    /// in directory <c>$2</c>, stdin from /dev/null, in a session and process group of its own (<c>setsid</c>, where
    /// there is one). Its first line on stdout is <c>$3 PID</c>, PID being the command's pid inside the sandbox.
    /// </summary>
    public const string Launch = """
        __bg_wd=$2 __bg_tag=$3 __bg_cmd=$4
        if [ -r "$1" ]; then command . "$1" >/dev/null 2>&1; fi
        cd -- "$__bg_wd" || exit 126
        export PWD
        __bg_run='printf "%s %s\n" "$1" "$$"; exec sh -c "$2"'
        if command -v setsid >/dev/null 2>&1 && setsid -w true </dev/null >/dev/null 2>&1; then
          exec setsid -w sh -c "$__bg_run" sandbox-mcp-bg "$__bg_tag" "$__bg_cmd" </dev/null
        fi
        exec sh -c "$__bg_run" sandbox-mcp-bg "$__bg_tag" "$__bg_cmd" </dev/null
        """;

    /// <summary>
    /// Prints the resident memory (KiB) of process <c>$1</c>, its descendants and its process group every
    /// second, and ends when none of them is left.
    /// </summary>
    public const string MemoryMonitor = """
        __mcp_pagekb=$(( $(getconf PAGESIZE 2>/dev/null || echo 4096) / 1024 ))
        """ + "\n" + ShellScripts.ProcessFamily + """
        root=$1
        while :; do
          __mcp_family "$root" 1
          if [ "$__found" = " $root " ] && ! kill -0 "$root" 2>/dev/null; then exit 0; fi
          total=0
          for __p in $__table; do
            case "$__found" in *" ${__p%%:*} "*) total=$((total + ${__p##*:})) ;; esac
          done
          echo "$total"
          sleep 1
        done
        """;

    /// <summary>GET <c>$1</c> with timeout <c>$2</c> seconds: exit 0 on 2xx/3xx, with python3, curl or wget.</summary>
    public const string HttpCheck = """
        if command -v python3 >/dev/null 2>&1; then
          exec python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2]))' "$1" "$2"
        elif command -v curl >/dev/null 2>&1; then exec curl -fsS -o /dev/null -m "$2" "$1"
        elif command -v wget >/dev/null 2>&1; then exec wget -q -T "$2" -O /dev/null "$1"
        fi
        echo 'no HTTP client in the sandbox (python3, curl or wget)' >&2
        exit 127
        """;

    /// <summary>Opens a TCP connection to 127.0.0.1 port <c>$1</c> within <c>$2</c> seconds, with python3 or nc.</summary>
    public const string TcpCheck = """
        if command -v python3 >/dev/null 2>&1; then
          exec python3 -c 'import sys, socket; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=float(sys.argv[2])).close()' "$1" "$2"
        elif command -v nc >/dev/null 2>&1; then exec nc -z -w "$3" 127.0.0.1 "$1"
        fi
        echo 'no TCP client in the sandbox (python3 or nc)' >&2
        exit 127
        """;

    /// <summary>Runs the shell text <c>$2</c>, killed after <c>$1</c> seconds where <c>timeout</c> exists.</summary>
    public const string CommandCheck = """
        if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL "$1" sh -c "$2"; fi
        exec sh -c "$2"
        """;

    /// <summary>Arguments that start <paramref name="command"/> as a background process.</summary>
    public static IReadOnlyList<string> LaunchArgv(string statePath, string workDir, string tag, string command) =>
        ["sh", "-c", Launch, "sandbox-mcp-bg", statePath, workDir, tag, command];

    /// <summary>Arguments of the memory monitor of <paramref name="pid"/>.</summary>
    public static IReadOnlyList<string> MemoryMonitorArgv(int pid) =>
        ["sh", "-c", MemoryMonitor, "sandbox-mcp-mem", pid.ToString(CultureInfo.InvariantCulture)];

    /// <summary>Arguments of one run of <paramref name="check"/>.</summary>
    public static IReadOnlyList<string> HealthCheckArgv(HealthCheck check) => check.Type switch
    {
        HealthCheckType.Http => ["sh", "-c", HttpCheck, "sandbox-mcp-health", check.Target, check.TimeoutSeconds(whole: false)],
        HealthCheckType.Tcp => ["sh", "-c", TcpCheck, "sandbox-mcp-health", check.Target, check.TimeoutSeconds(whole: false), check.TimeoutSeconds(whole: true)],
        _ => ["sh", "-c", CommandCheck, "sandbox-mcp-health", check.TimeoutSeconds(whole: false), check.Target],
    };
}
