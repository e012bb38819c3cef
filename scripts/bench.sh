#!/usr/bin/env bash
# `npm run bench`: benchmarks that print figures (see scripts/bench.ts). The emulator's CA must be
# trusted before Node starts; the portal's modules are loaded under the react-server condition, as
# Next loads them, so their "server-only" guard stays quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_node_modules
ensure_emulator_ca .data/emulator-test
exec npx --no-install tsx --conditions=react-server scripts/bench.ts "$@"
