#!/usr/bin/env bash
# Runs the `mle-beast` command from a checkout, setting up first when the build is missing or stale, or when a
# command that starts sandboxes finds no usable Docker sandbox (set-up installs and starts the daemon and builds
# the image where it can), so the demo uses Docker whenever set-up can make it answer. Where set-up tried and
# Docker still does not answer (no apt, no root, a Mac), that is remembered until the next install, so later
# commands start at once with the local sandbox.
# Example: bash scripts/mle-beast.sh serve
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
needs_setup=false
if [ ! -f out/cli/entry.js ] || [ ! -f node_modules/.mle-beast-lock ] ||
  [ -n "$(find engine main preload renderer policy package-lock.json -newer out/cli/entry.js -print -quit 2>/dev/null)" ]; then
  needs_setup=true
fi
docker_tried=node_modules/.mle-beast-docker-tried
try_docker=false
case "${1:-}" in
  demo | run | resume | serve)
    if [ -z "${DOCKER_HOST:-}" ] && [ ! -f "$docker_tried" ] && ! node scripts/sandbox-ready.mjs >/dev/null 2>&1; then
      needs_setup=true
      try_docker=true
    fi
    ;;
esac
if [ "$needs_setup" = true ]; then
  bash scripts/setup.sh >&2
fi
if [ "$try_docker" = true ] && ! node scripts/sandbox-ready.mjs >/dev/null 2>&1; then
  touch "$docker_tried"
fi
cd - >/dev/null
exec node "$(dirname "$0")/../bin/mle-beast.js" "$@"
