#!/usr/bin/env bash
# Runs the `mle-beast` command from a checkout, setting up first when the build is missing or stale.
# Example: bash scripts/mle-beast.sh serve
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
if [ ! -f out/cli/entry.js ] || [ ! -f node_modules/.mle-beast-lock ] ||
  [ -n "$(find engine main preload renderer policy package-lock.json -newer out/cli/entry.js -print -quit 2>/dev/null)" ]; then
  bash scripts/setup.sh >&2
fi
cd - >/dev/null
exec node "$(dirname "$0")/../bin/mle-beast.js" "$@"
