namespace SandboxMcp.Transfer;

/// <summary>Small POSIX sh programs for file access; paths arrive as <c>$1</c>, never spliced into the text.</summary>
internal static class FileScripts
{
    /// <summary>
    /// Writes stdin to <c>$1</c>: parent directories created, written to a temp file and renamed into place so a
    /// failed write never leaves half a file; the executable bit of a replaced file is kept.
    /// </summary>
    public const string Write = """
        p=$1
        case "$p" in */) echo "$p is a directory path: name a file" >&2; exit 21 ;; esac
        if [ -d "$p" ]; then echo "$p is a directory: name a file inside it" >&2; exit 21; fi
        case "$p" in */*) d=${p%/*}; if [ -n "$d" ] && [ ! -d "$d" ]; then mkdir -p -- "$d" || exit 1; fi ;; esac
        if [ -L "$p" ]; then cat >"$p" || exit 1; exit 0; fi
        t="$p.sandbox-mcp-$$.tmp"
        if ! cat >"$t"; then rm -f -- "$t"; exit 1; fi
        if [ -x "$p" ]; then chmod +x -- "$t"; fi
        mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 1; }
        """;

    /// <summary>Prints <c>$1</c> on stdout, with clear messages for a directory, a missing or unreadable file.</summary>
    public const string Read = """
        p=$1
        if [ -d "$p" ]; then echo "$p is a directory: list it with exec 'ls -la $p', or name a file inside it" >&2; exit 21; fi
        if [ ! -e "$p" ]; then echo "$p does not exist" >&2; exit 2; fi
        if [ ! -r "$p" ]; then echo "$p is not readable (permission denied)" >&2; exit 13; fi
        exec cat -- "$p"
        """;
}
