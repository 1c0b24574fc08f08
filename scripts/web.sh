#!/usr/bin/env bash
# Runs Corral's headless server from a fresh clone in one step: Node 22 (fetched from the npm
# registry when the machine's Node is older), the project's packages when they are missing or
# older than package-lock.json, then `npm run web` with any arguments given here.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "Corral needs npm once, to fetch Node 22: apt-get install npm (as root)" >&2
  exit 1
fi
# shellcheck source=../.ci/node-env.sh
. .ci/node-env.sh
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec npm run web -- "$@"
