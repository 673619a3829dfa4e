#!/usr/bin/env bash
# One command from a fresh clone to a tested build: set-up, then every check and test (see scripts/verify.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
bash scripts/setup.sh
npm run --silent verify
