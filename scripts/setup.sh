#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: Node >= 22.12, the Debian packages the tests need (Chromium for the
# browser e2e, Xvfb for Electron's), npm dependencies, and the build. Safe to run again; it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh

# System packages, on Debian/Ubuntu. Root installs directly; otherwise sudo is tried, else we say what is missing.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v git >/dev/null 2>&1 || missing+=(git)
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

echo "setup: building"
npm run --silent build
echo "setup: done (node $(node --version))"
