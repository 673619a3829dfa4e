#!/usr/bin/env bash
# Runs the `mle-beast` command from a checkout, setting up first when the build is missing or stale, or when a
# command that starts sandboxes finds the Docker daemon installed but stopped (set-up starts it, and builds the
# sandbox image when it is missing), so the demo uses Docker whenever set-up can make it answer.
# Example: bash scripts/mle-beast.sh serve
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
needs_setup=false
if [ ! -f out/cli/entry.js ] || [ ! -f node_modules/.mle-beast-lock ] ||
  [ -n "$(find engine main preload renderer policy package-lock.json -newer out/cli/entry.js -print -quit 2>/dev/null)" ]; then
  needs_setup=true
fi
case "${1:-}" in
  demo | run | resume | serve)
    if [ -z "${DOCKER_HOST:-}" ] && ! node scripts/sandbox-ready.mjs >/dev/null 2>&1; then
      # No usable Docker sandbox: set-up installs/starts the daemon and builds the image where it can.
      needs_setup=true
    fi
    ;;
esac
if [ "$needs_setup" = true ]; then
  bash scripts/setup.sh >&2
fi
cd - >/dev/null
exec node "$(dirname "$0")/../bin/mle-beast.js" "$@"
