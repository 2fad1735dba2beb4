namespace SandboxMcp.Packages;

/// <summary>
/// The sh program that installs packages inside a sandbox. Package names arrive as "$@", the manager as $1:
/// nothing from the caller is spliced into the text. Every manager ends by printing
/// <c>installed NAME VERSION</c> lines for what is now present.
/// </summary>
internal static class InstallScript
{
    public const string Text = """
        m=$1; user=$2; shift 2
        if [ "$m" = auto ]; then
          if command -v apt-get >/dev/null 2>&1; then m=apt
          elif command -v apk >/dev/null 2>&1; then m=apk
          elif command -v dnf >/dev/null 2>&1; then m=dnf
          else echo "no system package manager (apt-get, apk, dnf) in this sandbox: name manager pip or npm" >&2; exit 3; fi
        fi
        echo "sandbox-mcp: installing with $m: $*"
        case "$m" in
        apt)
          export DEBIAN_FRONTEND=noninteractive
          # Refresh the index when it is missing or older than a day (the lists live in a cache volume).
          if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
            apt-get update -q || exit $?
          fi
          apt-get install -y -q --no-install-recommends "$@" || exit $?
          for p in "$@"; do dpkg-query -W -f='installed ${Package} ${Version}\n' "${p%%=*}" 2>/dev/null; done ;;
        apk)
          apk add --no-progress "$@" || exit $?
          for p in "$@"; do n=${p%%=*}; v=$(apk info -v "$n" 2>/dev/null | head -n 1); echo "installed $n ${v#"$n"-}"; done ;;
        dnf)
          dnf install -y "$@" || exit $?
          for p in "$@"; do rpm -q --qf 'installed %{NAME} %{VERSION}-%{RELEASE}\n' "${p%%-[0-9]*}" 2>/dev/null; done ;;
        pip)
          python3 -m pip --version >/dev/null 2>&1 || { echo "pip is not installed in this sandbox: install python3-pip first (manager apt)" >&2; exit 3; }
          if [ "$user" = user ]; then set -- --user "$@"; fi
          python3 -m pip install --disable-pip-version-check --break-system-packages "$@" || exit $?
          for p in "$@"; do case "$p" in -*) continue ;; esac
            n=$(printf '%s' "$p" | sed 's/[<>=!~;[ ].*//')
            python3 -m pip show "$n" 2>/dev/null | sed -n 's/^Version: /installed '"$n"' /p'
          done ;;
        npm)
          command -v npm >/dev/null 2>&1 || { echo "npm is not installed in this sandbox: install nodejs and npm first (manager apt)" >&2; exit 3; }
          if [ "$user" = user ]; then export NPM_CONFIG_PREFIX="$HOME/.local"; fi
          npm install -g --no-fund --no-audit "$@" || exit $?
          for p in "$@"; do n=${p%@*}; [ -n "$n" ] || n=$p
            v=$(npm ls -g --depth=0 "$n" 2>/dev/null | sed -n "s/.*$(printf '%s' "$n" | sed 's/[^A-Za-z0-9]/./g')@//p" | head -n 1)
            echo "installed $n $v"
          done ;;
        *) echo "unknown package manager '$m': use apt, pip, npm or auto" >&2; exit 3 ;;
        esac
        """;
}
