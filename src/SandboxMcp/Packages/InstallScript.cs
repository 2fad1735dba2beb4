namespace SandboxMcp.Packages;

/// <summary>
/// The POSIX sh program behind <c>install</c>: <c>sh -c SCRIPT sandbox-mcp-install LOG SCOPE MANAGER PACKAGE…</c>.
/// Packages arrive as positional arguments only. The full output goes to LOG (read for progress while it runs);
/// stdout carries <c>manager NAME</c> and one <c>pkg NAME VERSION</c> line per package; on failure the last lines
/// of the log go to stderr.
/// </summary>
internal static class InstallScript
{
    public const string Text = """
        log=$1 scope=$2 m=$3
        shift 3
        mkdir -p "${log%/*}" 2>/dev/null
        : >"$log" 2>/dev/null || log=/dev/null
        if [ "$m" = auto ]; then
          if command -v apt-get >/dev/null 2>&1; then m=apt
          elif command -v apk >/dev/null 2>&1; then m=apk
          elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then m=pip
          elif command -v npm >/dev/null 2>&1; then m=npm
          else echo "no package manager in this sandbox (looked for apt-get, apk, pip and npm)" >&2; exit 127
          fi
        fi
        echo "manager $m"
        case "$m:$scope" in
          apt:user|apk:user) echo "$m installs system packages, which on this tier would change the host itself: use a vm sandbox, or manager pip or npm" >&2; exit 2 ;;
        esac
        py=python3
        command -v python3 >/dev/null 2>&1 || py=python
        npmprefix=
        [ "$scope" = user ] && npmprefix=$HOME/.local
        need() { command -v "$1" >/dev/null 2>&1 && return 0; echo "$2" >&2; return 127; }
        run() {
          case $m in
            apt)
              need apt-get "apt-get is not in this sandbox's image: use manager apk, pip or npm, or an image with apt" || return
              export DEBIAN_FRONTEND=noninteractive
              if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then apt-get update || return; fi
              apt-get install -y --no-install-recommends "$@" || { apt-get update && apt-get install -y --no-install-recommends "$@"; } ;;
            apk)
              need apk "apk is not in this sandbox's image: use manager apt, pip or npm" || return
              apk add --no-progress "$@" ;;
            pip)
              "$py" -m pip --version >/dev/null 2>&1 || { echo "pip is not installed in this sandbox: install python3-pip first (manager apt)" >&2; return 127; }
              [ "$scope" = user ] && set -- --user "$@"
              PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 "$py" -m pip install --progress-bar off "$@" ;;
            npm)
              need npm "npm is not installed in this sandbox: install nodejs and npm first (manager apt)" || return
              [ -n "$npmprefix" ] && set -- --prefix "$npmprefix" "$@"
              npm install -g --no-fund --no-audit "$@" ;;
            *) echo "unknown package manager '$m': use apt, apk, pip or npm" >&2; return 2 ;;
          esac
        }
        run "$@" >>"$log" 2>&1
        rc=$?
        if [ "$rc" -ne 0 ]; then tail -n 30 "$log" >&2; exit "$rc"; fi
        for p in "$@"; do
          case $m in
            apt) n=${p%%=*}; v=$(dpkg-query -W -f='${Version}' "$n" 2>/dev/null) ;;
            apk) n=${p%%[<>=~]*}; v=$(apk info -e -v "$n" 2>/dev/null | head -n 1); v=${v#"$n"-} ;;
            pip) n=$(printf '%s' "$p" | sed 's/[][<>=!~; ].*//'); v=$("$py" -m pip show "$n" 2>/dev/null | sed -n 's/^Version: //p') ;;
            npm) n=${p%@*}; [ -n "$n" ] || n=$p
                 root=$(npm root -g ${npmprefix:+--prefix "$npmprefix"} 2>/dev/null)
                 v=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$root/$n/package.json" 2>/dev/null | head -n 1) ;;
          esac
          printf 'pkg %s %s\n' "$n" "${v:-unknown}"
        done
        """;
}
