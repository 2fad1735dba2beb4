using System.Globalization;

namespace SandboxMcp.Shell;

/// <summary>
/// The shell code the server runs inside sandboxes. Only POSIX sh builtins on the hot path, so it works in
/// dash, bash, and busybox ash alike; user text never appears here, only in quoted arguments.
/// </summary>
internal static class ShellScripts
{
    /// <summary>
    /// Sent once as the first input of a persistent shell. Defines <c>__mcp_run CMD [WORKDIR]</c>, which evaluates
    /// the command with stdin from /dev/null, and <c>__mcp_end NONCE</c>, which saves exported variables and
    /// prints the end markers on the shell's original stdout (fd 8) and stderr (fd 9). The nonce is an
    /// argument of <c>__mcp_end</c> only, so the command cannot read it and cannot forge a marker. Shell options
    /// the command set (<c>set -x</c> …) are reset before the markers so traces cannot contain them.
    /// The stderr marker goes first, so it is already in its pipe when the stdout marker is read, and the state
    /// is saved after both: the server answers while the shell writes the file (a shell killed in that instant
    /// keeps the state of the command before). The state file is rewritten in place (<c>1&lt;&gt;</c>) and ends with <c>return 0</c>, so a shorter write
    /// leaves a harmless tail: truncating a file costs ~0.2 ms per command on ext4, ten times the rest of the
    /// round trip. It is sourced with <c>command .</c> so a torn write cannot stop a fresh shell from starting.
    /// </summary>
    public static string Prelude(string statePath, string readyNonce) => $$"""
        __mcp_state={{ShellQuoting.Quote(statePath)}}
        [ -d "${__mcp_state%/*}" ] || mkdir -p "${__mcp_state%/*}" 2>/dev/null
        __mcp_rc=0
        __mcp_save() { { export -p; echo 'return 0'; } 1<>"$__mcp_state" 2>/dev/null; }
        __mcp_run() {
          __mcp_cmd=$1
          __mcp_wd=$2
          shift $#
          if [ -z "$__mcp_wd" ]; then
            command eval "$__mcp_cmd" </dev/null 8>&- 9>&-
            { __mcp_rc=$?; set +exuv; } 2>/dev/null
          elif __mcp_back=$PWD && cd -- "$__mcp_wd"; then
            command eval "$__mcp_cmd" </dev/null 8>&- 9>&-
            { __mcp_rc=$?; set +exuv; cd -- "$__mcp_back"; } 2>/dev/null
          else
            __mcp_rc=1
          fi
        }
        __mcp_end() {
          printf '%s' "$1" >&9
          printf '%s%s;%s%s' "$1" "$__mcp_rc" "$PWD" "$1" >&8
          __mcp_save
        }
        trap '{ set +xv; } 2>/dev/null; __mcp_save' EXIT
        exec 8>&1 9>&2
        if [ -r "$__mcp_state" ]; then command . "$__mcp_state" >/dev/null 2>&1; cd -- "$PWD" 2>/dev/null || cd -P .; fi
        export PWD
        printf '%s%s;%s%s' {{readyNonce}} $$ "$PWD" {{readyNonce}}
        printf '%s' {{readyNonce}} >&2

        """;

    /// <summary>The line that runs one command and ends it with <paramref name="nonce"/>.</summary>
    public static string CommandLine(string command, string? workDir, string nonce) =>
        workDir is null
            ? $"__mcp_run {ShellQuoting.Quote(command)}; __mcp_end {nonce}\n"
            : $"__mcp_run {ShellQuoting.Quote(command)} {ShellQuoting.Quote(workDir)}; __mcp_end {nonce}\n";

    /// <summary>
    /// Shell functions over the sandbox's process table. <c>__mcp_table</c> prints <c>pid:ppid:pgid:rss_kb</c> lines
    /// from /proc (or <c>ps</c> where there is none; rss needs <c>__mcp_pagekb</c> set on /proc).
    /// <c>__mcp_family ROOT WITH_GROUP</c> sets <c>__found</c> to " ROOT descendants… " and, with WITH_GROUP 1,
    /// every process of the process group ROOT leads (which catches children that were re-parented to init).
    /// </summary>
    public const string ProcessFamily = """
        __mcp_pagekb=${__mcp_pagekb:-4}
        __mcp_table() {
          if [ -r /proc/self/stat ]; then
            for __f in /proc/[0-9]*/stat; do
              { read -r __l <"$__f"; } 2>/dev/null || continue
              __rest=${__l##*) }
              set -- $__rest
              printf '%s:%s:%s:%s\n' "${__l%% *}" "$2" "$3" "$((${22} * __mcp_pagekb))"
            done
          else
            ps -A -o pid= -o ppid= -o pgid= -o rss= | while read -r __a __b __c __d; do printf '%s:%s:%s:%s\n' "$__a" "$__b" "$__c" "${__d:-0}"; done
          fi
        }
        __mcp_family() {
          __table=$(__mcp_table)
          __found=" $1 "
          if [ "$2" = 1 ]; then
            for __p in $__table; do
              __r=${__p#*:}
              __r=${__r#*:}
              if [ "${__r%%:*}" = "$1" ]; then
                case "$__found" in *" ${__p%%:*} "*) ;; *) __found="$__found${__p%%:*} " ;; esac
              fi
            done
          fi
          __more=1
          while [ "$__more" = 1 ]; do
            __more=0
            for __p in $__table; do
              __r=${__p#*:}
              case "$__found" in *" ${__r%%:*} "*)
                case "$__found" in *" ${__p%%:*} "*) ;; *) __found="$__found${__p%%:*} "; __more=1 ;; esac ;;
              esac
            done
          done
        }

        """;

    /// <summary>
    /// Kills the descendants of <c>$1</c> (and <c>$1</c> itself when <c>$2</c> is 1; with <c>$4</c> 1 also its process
    /// group) inside the sandbox: signal <c>$3</c> (default TERM), then KILL after <c>$5</c> tenths of a second
    /// (default 5) for whatever is left (zombies count as ended). Walks parent links in /proc, or <c>ps</c> where
    /// there is no /proc.
    /// </summary>
    public const string KillTree = ProcessFamily + """
        root=$1 with_root=$2 sig=${3:-TERM} with_group=${4:-0} grace=${5:-5}
        # A zombie is dead: its parent may be gone and PID 1 slow (or unable) to reap it.
        __mcp_alive() {
          kill -0 "$1" 2>/dev/null || return 1
          { read -r __l <"/proc/$1/stat"; } 2>/dev/null || return 0
          __s=${__l##*) }
          [ "${__s%% *}" != Z ]
        }
        victims() {
          __mcp_family "$root" "$with_group"
          for __p in $__found; do
            if [ "$__p" != "$root" ] || [ "$with_root" = 1 ]; then printf '%s ' "$__p"; fi
          done
        }
        v=$(victims)
        [ -n "$v" ] || exit 0
        kill -s "$sig" $v 2>/dev/null
        i=0
        while [ $i -lt "$grace" ]; do
          sleep 0.1 2>/dev/null || sleep 1
          alive=
          for p in $v; do __mcp_alive "$p" && alive="$alive $p"; done
          [ -n "$alive" ] || exit 0
          i=$((i+1))
        done
        kill -s KILL $(victims) $v 2>/dev/null
        exit 0
        """;

    /// <summary>Arguments for <see cref="KillTree"/>.</summary>
    public static IReadOnlyList<string> KillTreeArgv(int pid, bool includeRoot) =>
        ["sh", "-c", KillTree, "sandbox-mcp-kill", pid.ToString(CultureInfo.InvariantCulture), includeRoot ? "1" : "0"];

    /// <summary>
    /// Arguments for <see cref="KillTree"/> that end <paramref name="pid"/>, its descendants and its process group:
    /// <paramref name="signal"/> first, KILL after <paramref name="grace"/> for whatever is left.
    /// </summary>
    public static IReadOnlyList<string> KillFamilyArgv(int pid, string signal, TimeSpan grace) =>
        ["sh", "-c", KillTree, "sandbox-mcp-kill", pid.ToString(CultureInfo.InvariantCulture), "1", signal, "1",
            ((int)Math.Ceiling(grace.TotalSeconds * 10)).ToString(CultureInfo.InvariantCulture)];
}
