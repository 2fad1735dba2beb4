#!/usr/bin/env bash
# The one test command. On a fresh Debian machine it installs what the tests need (apt), starts a Docker
# daemon when none answers, builds the offline base image once, then runs every test with `dotnet test`.
# SANDBOXMCP_REQUIRE=podman,docker,bwrap,native turns "engine missing: skipped" into a failure (CI sets it).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

log() { printf '\n== %s\n' "$*" >&2; }

# podman: catatonit is its --init (only recommended, so not pulled in by --no-install-recommends) and the
# dnsname plugin gives sandboxes on one network name resolution.
packages=(podman runc catatonit golang-github-containernetworking-plugin-dnsname bubblewrap debootstrap netcat-openbsd socat git procps iproute2 python3 docker.io ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Docker has no systemd here: start the daemon ourselves when the CLI finds none.
if command -v dockerd >/dev/null && ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo sh -c 'nohup dockerd >/var/log/sandbox-mcp-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/sandbox-mcp-dockerd.log" >&2; }
fi

if [ -x images/build-base.sh ]; then
  log "base image (built once, offline)"
  images/build-base.sh
fi

log "the README's run command builds the server (RunScriptTests then starts it as a client would)"
./sandbox-mcp --version

log "dotnet test"
dotnet test SandboxMcp.sln -c Release --blame-hang-timeout 10m --logger "console;verbosity=normal" "$@"
