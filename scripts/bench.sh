#!/usr/bin/env bash
# `npm run bench`: starts the built worker under wrangler dev on a fresh state, pinned to core 0,
# and loads it from core 1 with autocannon. Every figure is reported next to a baseline measured
# in the same run (see bench/README.md).
source "$(dirname "$0")/lib.sh"
PORT="${BENCH_PORT:-8790}"
STATE=".wrangler/bench-state"

ensure_npm_packages
ensure_dev_vars
[ -f build/sveltekit/worker.js ] || build_web
rm -rf "$STATE" && mkdir -p "$STATE"
apply_migrations "$STATE"

PIN_SERVER=(); PIN_LOAD=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then PIN_SERVER=(taskset -c 0); PIN_LOAD=(taskset -c 1); fi
# The dev model as the issue's scenario describes it: 500 ms latency, 20% 429 (Retry-After 1 s),
# 5% 5xx, and a per-key concurrency limit of 8 like a real provider's.
DEV_MODEL_PORT="${BENCH_DEV_MODEL_PORT:-8797}"
"${PIN_LOAD[@]}" node dev-model/server.ts --port "$DEV_MODEL_PORT" --latency 500 --rate-429 0.2 --rate-5xx 0.05 --retry-after 1 --max-concurrent 8 --quiet > "$STATE.dev-model.log" 2>&1 &
DEV_MODEL_PID=$!
"${PIN_SERVER[@]}" wrangler dev --port "$PORT" --ip 127.0.0.1 --persist-to "$STATE" --show-interactive-dev-session=false --log-level warn \
  --var BENCH_ROUTES:true --var "DEV_MODEL_URL:http://127.0.0.1:$DEV_MODEL_PORT/v1" > "$STATE.server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID $DEV_MODEL_PID 2>/dev/null || true' EXIT INT TERM
wait_for_health "http://127.0.0.1:$PORT"
BENCH_LOAD_PREFIX="${PIN_LOAD[*]}" node bench/run.mjs "http://127.0.0.1:$PORT" "http://127.0.0.1:$DEV_MODEL_PORT"
