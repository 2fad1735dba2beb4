#!/usr/bin/env bash
# Builds the default sandbox image, localhost/sandbox-mcp-base:bookworm, without any container registry:
# debootstrap a minimal Debian bookworm root file system, then import it into podman and, when a Docker daemon
# answers, into docker. Does nothing when the image exists already; the root file system tarball is cached in
# .cache/images so both engines (and later rebuilds) share one debootstrap.
#
#   images/build-base.sh            build what is missing
#   images/build-base.sh --force    rebuild the tarball and re-import
#   IMAGE_TAG=localhost/x:y images/build-base.sh
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
repo=$(dirname "$here")
tag=${IMAGE_TAG:-localhost/sandbox-mcp-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache="$repo/.cache/images"
tarball="$cache/sandbox-mcp-base-bookworm.tar"
force=false
[ "${1:-}" = "--force" ] && force=true

# Our podman configuration, unless the user has their own (see images/containers.conf for why).
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

want_podman=false
want_docker=false
if command -v podman >/dev/null 2>&1 && { $force || ! podman image exists "$tag"; }; then want_podman=true; fi
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 && { $force || ! docker image inspect "$tag" >/dev/null 2>&1; }; then want_docker=true; fi
if ! $want_podman && ! $want_docker; then
  echo "base image $tag is present" >&2
  exit 0
fi

if $force || [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
  [ "$(id -u)" -eq 0 ] || { echo "debootstrap needs root: run with sudo" >&2; exit 1; }
  mkdir -p "$cache"
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  echo "debootstrap bookworm into $rootfs (about a minute)" >&2
  # python3: the python tool; git: git_clone; netcat-openbsd: port forwarding; tar: file transfer and
  # snapshots; procps: ps/top for agents; ca-certificates: TLS for apt, pip and git.
  debootstrap --variant=minbase \
    --include=python3,python3-venv,git,netcat-openbsd,ca-certificates,tar,procps,less,xz-utils \
    bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -n 20 "$cache/debootstrap.log" >&2; echo "debootstrap failed; full log: $cache/debootstrap.log" >&2; exit 1; }
  # The image is imported, not built, so set up what a Dockerfile would: sources that work inside the
  # container, no apt cache cleaning (the cache volume is meant to keep packages across resets).
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" > "$rootfs/etc/apt/sources.list"
  printf 'APT::Keep-Downloaded-Packages "true";\nBinary::apt::APT::Keep-Downloaded-Packages "true";\n' > "$rootfs/etc/apt/apt.conf.d/10sandbox-mcp-keep-debs"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  mkdir -p "$rootfs/workspace"
  tar --numeric-owner -C "$rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi

changes=(--change 'CMD ["/bin/sh"]' --change 'WORKDIR /workspace' --change 'ENV LANG=C.UTF-8')
if $want_podman; then
  echo "importing $tag into podman" >&2
  podman import --quiet "${changes[@]}" "$tarball" "$tag" >/dev/null
fi
if $want_docker; then
  echo "importing $tag into docker" >&2
  docker import "${changes[@]}" "$tarball" "$tag" >/dev/null
fi
echo "base image $tag is ready" >&2
