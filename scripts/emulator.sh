#!/usr/bin/env bash
# `npm run emulator`: the Azure emulator alone, seeded with the demo tenant. Extra flags go to it,
# e.g. `npm run emulator -- --port 9443 --delays test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_node_modules
dir="${MCA_DATA_DIR:-.data}/emulator"
ensure_emulator_ca "$dir"
exec npx --no-install tsx emulator/src/main.ts --data-dir "$dir" --seed contoso "$@"
