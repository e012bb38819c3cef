#!/usr/bin/env bash
# `npm start`: installs, builds, migrates and starts the portal. With no Entra app configured
# (AZURE_AD_CLIENT_ID unset in the environment and in .env/.env.local) it starts the demo: the Azure
# emulator beside the portal, with a seeded "Contoso" tenant.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
source scripts/lib.sh

ensure_node_modules

configured="${AZURE_AD_CLIENT_ID:-}"
if [ -z "$configured" ]; then
  configured="$(grep -hsE '^AZURE_AD_CLIENT_ID=.+' .env .env.local .env.production | head -n 1 || true)"
fi
if [ -z "$configured" ]; then
  ensure_emulator_ca "${MCA_DATA_DIR:-.data}/emulator"
  exec npx --no-install tsx scripts/start.ts --demo "$@"
fi
exec npx --no-install tsx scripts/start.ts "$@"
