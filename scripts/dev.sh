#!/usr/bin/env bash
# `npm run dev`: install, build, migrate, seed the demo account, serve everything on :8787.
source "$(dirname "$0")/lib.sh"
PORT="${PORT:-8787}"
STATE=".wrangler/state"

ensure_npm_packages
ensure_dev_vars
build_web
reset_state_if_migrations_changed "$STATE"
mkdir -p "$STATE"
apply_migrations "$STATE"
record_migrations "$STATE"

DEV_MODEL_PID=""
start_dev_model 8799 "$STATE.dev-model.log"
log "starting wrangler dev on http://localhost:$PORT"
wrangler dev --port "$PORT" --ip 127.0.0.1 --persist-to "$STATE" --show-interactive-dev-session=false &
WRANGLER_PID=$!
trap 'kill $WRANGLER_PID $DEV_MODEL_PID 2>/dev/null || true' EXIT INT TERM
wait_for_health "http://127.0.0.1:$PORT"
node scripts/seed-demo.mjs "http://127.0.0.1:$PORT" "$STATE"
wait "$WRANGLER_PID"
