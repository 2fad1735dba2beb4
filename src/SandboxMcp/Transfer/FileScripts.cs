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

    /// <summary>
    /// Extracts a tar stream from stdin into the directory <c>$1</c> (created when missing): owners are not restored
    /// (<c>-o</c>), permission bits are (<c>-p</c>); GNU and busybox tar both keep members inside <c>-C</c>.
    /// </summary>
    public const string ExtractInto = """
        d=$1
        if [ -e "$d" ] && [ ! -d "$d" ]; then echo "$d exists and is not a directory: choose another path" >&2; exit 20; fi
        mkdir -p -- "$d" || exit 1
        exec tar -x -o -p -f - -C "$d"
        """;

    /// <summary>
    /// Extracts a one-file tar stream (member <c>$2</c>) to the path <c>$1</c>: into it when it is a directory or
    /// ends with <c>/</c>; through a temporary directory beside it and a rename, so it is never half-written.
    /// </summary>
    public const string ExtractFile = """
        p=$1 n=$2
        case "$p" in */) mkdir -p -- "$p" || exit 1 ;; esac
        if [ -d "$p" ]; then p="${p%/}/$n"; fi
        case "$p" in */*) d=${p%/*}; [ -n "$d" ] || d=/ ;; *) d=. ;; esac
        mkdir -p -- "$d" || exit 1
        t=$(mktemp -d "$d/.sandbox-mcp-upload.XXXXXX") || exit 1
        if tar -x -o -p -f - -C "$t" && mv -f -- "$t/$n" "$p"; then rmdir -- "$t"; echo "$p"; exit 0; fi
        rm -rf -- "$t"
        exit 1
        """;

    /// <summary>
    /// Writes a tar stream of <c>$1</c> to stdout: a directory's contents (first member <c>./</c>), or one file
    /// (symbolic link followed) as its own name.
    /// </summary>
    public const string Archive = """
        p=$1
        if [ -d "$p" ]; then cd -- "$p" || exit 1; exec tar -c -f - .; fi
        if [ ! -e "$p" ]; then echo "$p does not exist" >&2; exit 2; fi
        if [ ! -r "$p" ]; then echo "$p is not readable (permission denied)" >&2; exit 13; fi
        case "$p" in */*) d=${p%/*}; [ -n "$d" ] || d=/ ;; *) d=. ;; esac
        exec tar -c -h -f - -C "$d" -- "${p##*/}"
        """;

    /// <summary>
    /// batch_write: <c>$1</c> is a nonce, the rest absolute file paths. Every path is checked first, then one tar
    /// stream brings the contents as <c>DIR/.NAME.sandbox-mcp-NONCE.tmp</c>, then each is renamed into place (the
    /// executable bit of a replaced file kept; a symbolic link written through, as write_file does).
    /// </summary>
    public const string BatchWrite = """
        n=$1; shift
        for p; do
          if [ -d "$p" ]; then echo "$p is a directory: name a file inside it" >&2; exit 21; fi
        done
        clean() { for p; do rm -f -- "${p%/*}/.${p##*/}.sandbox-mcp-$n.tmp"; done; }
        if ! tar -x -o -f - -C /; then clean "$@"; exit 1; fi
        for p; do
          t="${p%/*}/.${p##*/}.sandbox-mcp-$n.tmp"
          if [ -L "$p" ]; then
            if cat -- "$t" >"$p"; then rm -f -- "$t"; continue; fi
            clean "$@"; exit 1
          fi
          if [ -x "$p" ]; then chmod +x -- "$t"; fi
          mv -f -- "$t" "$p" || { clean "$@"; exit 1; }
        done
        """;
}
