#!/usr/bin/env bash
# `npm run bench`: benchmarks that print figures (see scripts/bench.ts). Builds the portal first (pass
# --no-build to reuse .next). The emulator's CA must be trusted before Node starts: the in-process
# emulator and the one `npm start` runs share .data/bench/emulator, so one CA serves both. The portal's
# modules are loaded under the react-server condition, as Next loads them, so "server-only" stays quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1
ensure_node_modules
build=1
passed=()
for arg in "$@"; do
  if [ "$arg" = "--no-build" ]; then build=0; else passed+=("$arg"); fi
done
if [ "$build" = 1 ]; then
  echo "Building the portal (next build)..."
  npx --no-install next build >/dev/null
fi
export EMULATOR_TEST_DATA_DIR=.data/bench/emulator
ensure_emulator_ca "$EMULATOR_TEST_DATA_DIR"
npx --no-install tsx --conditions=react-server scripts/bench.ts "${passed[@]}"
# The written files stay as `npm run lint` (prettier --check) wants them.
npx --no-install prettier --write --log-level warn benchmarks.json $([ -f BENCHMARKS.md ] && echo BENCHMARKS.md)
