#!/usr/bin/env bash
# Builds the offline (CPU) sandbox image from Debian packages: debootstrap a Debian 12 root file system,
# install the Python ML stack with apt inside it, then `docker import` it with the image settings.
# No registry is contacted: only a Debian mirror (or its cache) and the local Docker daemon.
#
#   usage: build-offline.sh TAG [PRODUCT_VERSION]
#
# Needs root (debootstrap and chroot), debootstrap, and a docker CLI that reaches the daemon (DOCKER_HOST is
# honoured). Downloads are cached in $MLE_BEAST_SANDBOX_CACHE (default /var/cache/mle-beast/sandbox), so a
# rebuild does not download again. Environment: MLE_BEAST_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# MLE_BEAST_DEBIAN_SECURITY (default http://deb.debian.org/debian-security; "none" to skip security updates).
set -euo pipefail

tag="${1:?usage: build-offline.sh TAG [PRODUCT_VERSION]}"
product_version="${2:-unknown}"
suite=bookworm
mirror="${MLE_BEAST_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${MLE_BEAST_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}"
cache="${MLE_BEAST_SANDBOX_CACHE:-/var/cache/mle-beast/sandbox}"

# The Python ML stack the agent's code expects, plus what the sandbox's exec wrapper needs (sh, setsid from
# util-linux, ps from procps, grep and coreutils, all but procps part of every Debian base system).
packages=(
  python3 python3-pip python3-venv python3-dev
  python3-numpy python3-pandas python3-scipy python3-sklearn python3-matplotlib python3-pil
  python3-pytest python3-torch python3-torchvision python3-xgboost python3-yaml python3-tqdm
  git procps ca-certificates less
)

started=$SECONDS
step() { printf 'offline image: [%3ds] %s\n' "$((SECONDS - started))" "$*"; }
die() {
  printf 'offline image: error: %s\n' "$*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root: run this as root (e.g. sudo mle-beast sandbox build --offline)."
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed: apt-get install debootstrap"
command -v docker >/dev/null 2>&1 || die "the docker CLI is not installed: apt-get install docker.io"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "the Docker daemon does not answer (docker version failed): start it, or set DOCKER_HOST."

mkdir -p "$cache/debootstrap" "$cache/apt"
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mle-beast-offline-image.XXXXXX")
root="$work/rootfs"
mounted=()
cleanup() {
  local m
  for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log="$work/build.log"

# Runs a command with its whole output in the build log, printing only the lines matching PATTERN; on failure
# prints the log's tail and fails.
filtered() {
  local pattern=$1
  shift
  ("$@" 2>&1; echo "$?" >"$work/status") | tee -a "$log" | { grep --line-buffered -E "$pattern" || true; } |
    sed -u 's/^I: //; s/^/offline image:        /'
  if [ "$(cat "$work/status")" != 0 ]; then
    tail -n 40 "$log" >&2
    return 1
  fi
}

step "debootstrap $suite (minbase) from $mirror into $root"
filtered '^I: (Retrieving Release |Resolving|Installing core|Unpacking the base|Configuring the base|Base system installed)' \
  debootstrap --variant=minbase --cache-dir="$cache/debootstrap" "$suite" "$root" "$mirror" ||
  die "debootstrap failed (output above)"

step "configuring apt (main, updates${security:+, security})"
{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  [ "$security" = none ] || echo "deb $security $suite-security main"
} >"$root/etc/apt/sources.list"
cat >"$root/etc/apt/apt.conf.d/90mle-beast" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Dpkg::Use-Pty "false";
APT
# No daemon may start inside the chroot while packages are configured.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# The package cache lives outside the image so that a rebuild downloads nothing new.
mkdir -p "$root/var/cache/apt/archives"
mount --bind "$cache/apt" "$root/var/cache/apt/archives" && mounted+=("$root/var/cache/apt/archives")
mount -t proc proc "$root/proc" && mounted+=("$root/proc")

in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

step "apt-get update"
filtered '^(Get:|Hit:|Err:)' in_root apt-get update || die "apt-get update failed (output above)"
filtered '^(Calculating|[0-9]+ upgraded)' in_root apt-get -y dist-upgrade || die "apt-get dist-upgrade failed"
step "installing ${#packages[@]} packages and their dependencies: ${packages[*]}"
filtered '^(Need to get|After this operation|Fetched|Setting up python3-(torch|sklearn|pandas|matplotlib|xgboost|torchvision) )' \
  in_root apt-get install -y "${packages[@]}" || die "apt-get install failed (output above)"
for module in numpy pandas scipy sklearn matplotlib PIL pytest torch torchvision xgboost; do
  in_root python3 -c "import $module" >/dev/null 2>&1 || die "python3 cannot import $module in the new image"
done

step "adding the sandbox user (uid 1000) and the image's folders"
in_root groupadd --gid 1000 sandbox
in_root useradd --uid 1000 --gid 1000 --home-dir /home/sandbox --no-create-home --shell /bin/bash sandbox
# HOME must be writable by whatever uid runs the sandbox (the host user's), hence sticky and world-writable.
mkdir -p "$root/home/sandbox" "$root/workspace" "$root/data"
chmod 1777 "$root/home/sandbox" "$root/workspace"
# pip may install into the user's HOME (pip install --user); Debian's "externally managed" marker forbids it.
rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED

step "cleaning up (apt lists, docs, caches)"
for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
mounted=()
rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/var/cache/apt/archives/partial "$root"/usr/share/doc/* "$root"/usr/share/man/* \
  "$root"/usr/share/info/* "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/debootstrap 2>/dev/null || true
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'C*' -exec rm -rf {} + 2>/dev/null || true

step "docker import as $tag ($(du -sh "$root" | cut -f1) unpacked)"
tar --numeric-owner --xattrs -C "$root" -c . |
  docker import \
    --change 'USER 1000:1000' \
    --change 'WORKDIR /workspace' \
    --change 'ENV HOME=/home/sandbox' \
    --change 'ENV PATH=/home/sandbox/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV MPLBACKEND=Agg' \
    --change 'ENV PYTHONUNBUFFERED=1' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["sleep", "infinity"]' \
    --change 'LABEL dev.mlebeast.image=sandbox' \
    --change 'LABEL dev.mlebeast.image-variant=offline' \
    --change "LABEL dev.mlebeast.version=$product_version" \
    --message "mle-beast offline sandbox image ($suite, built $(date -u +%Y-%m-%dT%H:%M:%SZ))" \
    - "$tag" >/dev/null

size=$(docker image inspect --format '{{.Size}}' "$tag")
step "done: $tag, $((size / 1024 / 1024)) MiB, built in $((SECONDS - started)) s"
