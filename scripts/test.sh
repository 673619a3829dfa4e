#!/usr/bin/env bash
# One command from a fresh clone to a tested build: set-up, then every check and test (see scripts/verify.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
bash scripts/setup.sh
# CI runs every Docker sandbox suite: a daemon that does not answer, or a missing sandbox image, ends the run
# here with one line rather than letting those suites skip (a developer's machine without Docker may skip them).
if [ "${CI:-}" = "true" ]; then
  if ! problem=$(node scripts/sandbox-ready.mjs); then
    echo "CI: the Docker sandbox is not usable: $problem" >&2
    exit 1
  fi
fi
npm run --silent verify
