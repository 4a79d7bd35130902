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
"${PIN_SERVER[@]}" wrangler dev --port "$PORT" --ip 127.0.0.1 --persist-to "$STATE" --show-interactive-dev-session=false --log-level warn > "$STATE.server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT INT TERM
wait_for_health "http://127.0.0.1:$PORT"
BENCH_LOAD_PREFIX="${PIN_LOAD[*]}" node bench/run.mjs "http://127.0.0.1:$PORT"
