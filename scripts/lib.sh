# Shared by the launchers: install what the project needs, idempotently and quietly when it is there.

# npm packages: install when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing npm packages (npm ci)..."
    npm ci --no-audit --no-fund
  fi
  if [ ! -f lib/generated/prisma/client.ts ] || [ prisma/schema.prisma -nt lib/generated/prisma/client.ts ]; then
    npm run --silent db:generate >/dev/null
  fi
}

# Debian packages, installed as root (or through sudo) when missing.
apt_install() {
  local runner=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then runner="sudo"; else
      echo "Missing Debian packages: $*. Install them as root: apt-get install -y $*" >&2
      return 1
    fi
  fi
  echo "Installing Debian packages: $*"
  $runner apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $runner apt-get install -y -qq "$@" >/dev/null
}

# The Azure emulator's CA must exist before any Node process that talks to it starts: Node reads
# NODE_EXTRA_CA_CERTS only at start-up.
ensure_emulator_ca() {
  local dir="$1"
  NODE_EXTRA_CA_CERTS="$(npx --no-install tsx emulator/src/ca-cli.ts --data-dir "$dir")"
  export NODE_EXTRA_CA_CERTS
}
