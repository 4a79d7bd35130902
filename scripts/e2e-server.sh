#!/usr/bin/env bash
# The server Playwright tests run against: the built worker under wrangler dev on a fresh local
# state (so a test run never sees, or damages, the data of `npm run dev`).
source "$(dirname "$0")/lib.sh"
PORT="${E2E_PORT:-8788}"
DEV_MODEL_PORT="${E2E_DEV_MODEL_PORT:-8798}"
STATE=".wrangler/e2e-state-$PORT"

ensure_dev_vars  # local secrets and the development values (APP_ENV, loopback, origins): .dev.vars
[ -f build/sveltekit/worker.js ] || build_web
rm -rf "$STATE" && mkdir -p "$STATE"
apply_migrations "$STATE"
# Its own dev model server, with enough latency that a second browser sees a job in progress,
# and articles streamed slowly enough (≤160 deltas × 80 ms) that a teammate watches them arrive.
DEV_MODEL_PID=""
DEV_MODEL_LATENCY_MS="${DEV_MODEL_LATENCY_MS:-700}" DEV_MODEL_STREAM_DELAY_MS="${DEV_MODEL_STREAM_DELAY_MS:-80}" \
  start_dev_model "$DEV_MODEL_PORT" "$STATE.dev-model.log"
trap 'kill $DEV_MODEL_PID 2>/dev/null || true' EXIT INT TERM
wrangler dev --port "$PORT" --ip 127.0.0.1 --persist-to "$STATE" --show-interactive-dev-session=false \
  --var "DEV_MODEL_URL:http://127.0.0.1:$DEV_MODEL_PORT/v1" --var TEST_ROUTES:true \
  --var SIGNUP_LIMIT_PER_HOUR:500
