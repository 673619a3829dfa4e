#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: Node >= 22.12, the Debian packages the tests need (Chromium for the
# browser e2e, Xvfb for Electron's, Docker + debootstrap + acl for the sandbox), npm dependencies, the build, a
# running Docker daemon and the offline sandbox image. Safe to run again; it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh

# System packages, on Debian/Ubuntu. Root installs directly; otherwise sudo is tried, else we say what is missing.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v git >/dev/null 2>&1 || missing+=(git)
# The sandbox: the Docker engine (decided on the daemon, dockerd: a `docker` client on PATH is not an engine),
# debootstrap for the offline image, setfacl to share a root-owned workspace with the sandbox user, bubblewrap
# for the kernel-enforced local sandbox.
if [ -z "${DOCKER_HOST:-}" ]; then
  command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || [ -x /usr/bin/dockerd ] || missing+=(docker.io)
fi
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
command -v setfacl >/dev/null 2>&1 || missing+=(acl)
# The local sandbox (machines without Docker, and the tests of the demo's Python) uses the system python3 with
# the same scientific stack the sandbox image has.
/usr/bin/python3 -c 'import sklearn, pandas, pytest, joblib' >/dev/null 2>&1 ||
  missing+=(python3 python3-sklearn python3-pandas python3-pytest python3-joblib)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
    echo "setup: installing ${missing[*]} with apt-get"
    if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
      echo "setup: could not install ${missing[*]}; install them yourself (sudo apt-get install ${missing[*]}). Browser e2e tests need /usr/bin/chromium." >&2
    fi
  else
    echo "setup: no apt-get here; install ${missing[*]} yourself (the browser e2e tests need a Chromium at /usr/bin/chromium or MLE_BEAST_CHROMIUM)." >&2
  fi
fi

# npm dependencies: reinstalled only when package-lock.json changed. Never downloads a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.mle-beast-lock ] || [ "$(cat node_modules/.mle-beast-lock)" != "$lock_sum" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.mle-beast-lock
fi

# A new set-up may make Docker answer where an earlier one could not (scripts/mle-beast.sh remembers that).
rm -f node_modules/.mle-beast-docker-tried

echo "setup: building"
npm run --silent build

# The Docker daemon: started in the background when none answers (machines without systemd, like CI).
if command -v docker >/dev/null 2>&1; then
  if ! docker version >/dev/null 2>&1; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
    if [ -z "${DOCKER_HOST:-}" ] && command -v dockerd >/dev/null 2>&1; then
      echo "setup: starting the Docker daemon (log: /var/log/dockerd.log)"
      if command -v systemctl >/dev/null 2>&1 && "${sudo[@]}" systemctl start docker 2>/dev/null; then
        :
      else
        "${sudo[@]}" sh -c 'nohup dockerd > /var/log/dockerd.log 2>&1 &' || true
      fi
      for _ in $(seq 1 60); do
        docker version >/dev/null 2>&1 && break
        sleep 1
      done
    fi
  fi
  if docker version >/dev/null 2>&1; then
    echo "setup: Docker $(docker version --format '{{.Server.Version}}') answers"
    # The offline sandbox image (CPU, from Debian packages): skipped at once when it is already there.
    started=$SECONDS
    if [ "$(id -u)" -eq 0 ]; then
      node bin/mle-beast.js sandbox build --offline --if-missing ||
        echo "setup: the offline sandbox image did not build (see above); the Docker sandbox tests will fail." >&2
    else
      sudo -n env "PATH=$PATH" node bin/mle-beast.js sandbox build --offline --if-missing ||
        echo "setup: could not build the offline sandbox image (it needs root): run sudo node bin/mle-beast.js sandbox build --offline" >&2
    fi
    echo "setup: sandbox image ready ($((SECONDS - started)) s)"
  else
    echo "setup: no Docker daemon answers; the Docker sandbox tests will be skipped (in CI they fail). Start Docker and run this again." >&2
  fi
else
  echo "setup: Docker is not installed; the Docker sandbox tests will be skipped (apt-get install docker.io)." >&2
fi
echo "setup: done (node $(node --version))"
