#!/usr/bin/env bash
# Installs the browser test's npm packages (tests/browser) with `npm ci`, only when node_modules is missing or
# package-lock.json changed since the last install.
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
stamp="$dir/node_modules/.lock-sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
command -v npm >/dev/null || { echo "npm is missing: install Node.js 18+ with npm (scripts/install-deps.sh test)" >&2; exit 1; }
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
echo "$want" > "$stamp"
