#!/usr/bin/env bash
# `npm test`: every check, from a fresh Debian machine with Node 20. Installs what is missing (npm
# packages, Debian's chromium and PostgreSQL), starts PostgreSQL, then runs lint, typecheck, unit and
# integration tests (data-layer tests on PGlite and PostgreSQL), builds the portal and runs the
# Playwright end-to-end tests in /usr/bin/chromium against the built portal and the Azure emulator.
# The manual-mode CLI script runs under Debian's azure-cli against the emulator (root: unshare -m).
# `npm run check` (--below-browser): the same up to and including Vitest, without the build and Chromium.
set -euo pipefail
below_browser=false
[ "${1:-}" = "--below-browser" ] && below_browser=true
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
source scripts/lib.sh
started=$(date +%s)
phase() { echo; echo "==> $1 ($(( $(date +%s) - started ))s)"; }

phase "Dependencies"
ensure_node_modules
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v az >/dev/null 2>&1 || missing+=(azure-cli)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  source scripts/test-postgres.sh
  start_test_postgres
fi

ensure_emulator_ca .data/emulator-test

phase "Lint"
npm run --silent lint

phase "Typecheck"
npm run --silent typecheck

phase "Unit and integration tests (Vitest)"
npx --no-install vitest run

if $below_browser; then
  phase "Lint, types and every test below the browser passed (npm test adds the build and Playwright)"
  exit 0
fi

phase "Build"
rm -rf .data/e2e
npx --no-install next build

phase "End-to-end tests (Playwright, Debian chromium)"
npx --no-install playwright test

phase "All checks passed"
