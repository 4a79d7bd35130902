#!/usr/bin/env bash
# The server Playwright tests run against: the built worker under wrangler dev on a fresh local
# state (so a test run never sees, or damages, the data of `npm run dev`).
source "$(dirname "$0")/lib.sh"
PORT="${E2E_PORT:-8788}"
STATE=".wrangler/e2e-state"

ensure_dev_vars
[ -f build/sveltekit/worker.js ] || build_web
rm -rf "$STATE" && mkdir -p "$STATE"
apply_migrations "$STATE"
exec wrangler dev --port "$PORT" --ip 127.0.0.1 --persist-to "$STATE" --show-interactive-dev-session=false
