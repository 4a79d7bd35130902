#!/usr/bin/env bash
# `npm run bench`: starts the built worker under wrangler dev on a fresh state, pinned to core 0,
# and loads it from core 1. Every figure is reported next to a baseline measured in the same run
# (see bench/README.md).
#
# Reliability: the worker, the dev model and the bench each run in a process group of their own
# (setsid), and the whole group is killed on EXIT, INT and TERM, so an interrupted run leaves no
# `wrangler dev` (and no workerd under it) behind; a port already taken is refused up front rather
# than benchmarking whatever answers there (an orphan serving a deleted state answers 500s).
source "$(dirname "$0")/lib.sh"
PORT="${BENCH_PORT:-8790}"
DEV_MODEL_PORT="${BENCH_DEV_MODEL_PORT:-8797}"
# One state and source copy per worker port: two benches on different ports (BENCH_PORT) must not
# delete or migrate each other's database mid-run.
STATE=".wrangler/bench-state-$PORT"
TREE=".wrangler/bench-tree-$PORT"
RESULTS="${BENCH_RESULTS:-.wrangler/bench-results/$(date -u +%Y%m%dT%H%M%SZ).json}"

port_taken() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
refuse_taken_port() {
  local port="$1" what="$2"
  port_taken "$port" || return 0
  log "port $port ($what) is already in use: refusing to start. An interrupted bench may have left it running:"
  command -v ss > /dev/null && ss -ltnp "sport = :$port" >&2 || true
  log "stop that process (or set $3 to another port) and run again"
  exit 1
}
refuse_taken_port "$PORT" "the worker" BENCH_PORT
refuse_taken_port "$DEV_MODEL_PORT" "the dev model" BENCH_DEV_MODEL_PORT

GROUPS_STARTED=()
stop_groups() {
  local pgid
  for pgid in "${GROUPS_STARTED[@]}"; do kill -TERM -- "-$pgid" 2> /dev/null || true; done
  for pgid in "${GROUPS_STARTED[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pgid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2> /dev/null || true
  done
  GROUPS_STARTED=()
}
trap 'stop_groups' EXIT
trap 'stop_groups; exit 130' INT
trap 'stop_groups; exit 143' TERM

# Runs "$@" in the background as the leader of a new process group; its pid (= the group id) is
# in $STARTED. Without job control a background child is not a group leader, so setsid(1) does not
# fork and $! is the command itself.
start_group() {
  setsid "$@" &
  STARTED=$!
  GROUPS_STARTED+=("$STARTED")
}

ensure_npm_packages
ensure_dev_vars
[ -f build/sveltekit/worker.js ] || build_web
rm -rf "$STATE" && mkdir -p "$STATE"
apply_migrations "$STATE"

# wrangler dev rebuilds and restarts the worker whenever a source file changes (it has no switch to
# stop watching), which in a tree being edited would restart the Durable Objects mid-scenario. The
# worker runs from a copy of its sources taken now, so the run measures one version of the code.
rm -rf "$TREE" && mkdir -p "$TREE/web"
cp -r wrangler.toml package.json tsconfig.json .dev.vars worker durable-objects core migrations build "$TREE/"
cp -r web/.svelte-kit "$TREE/web/"
ln -s "$ROOT/node_modules" "$TREE/node_modules"

PIN_SERVER=(); PIN_LOAD=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then PIN_SERVER=(taskset -c 0); PIN_LOAD=(taskset -c 1); fi
# The dev model as the issue's scenario describes it: 500 ms latency, 20% 429 (Retry-After 1 s),
# 5% 5xx, and a per-key concurrency limit of 8 like a real provider's.
start_group "${PIN_LOAD[@]}" node dev-model/server.ts --port "$DEV_MODEL_PORT" --latency 500 --rate-429 0.2 \
  --rate-5xx 0.05 --retry-after 1 --max-concurrent 8 --quiet > "$STATE.dev-model.log" 2>&1
start_group "${PIN_SERVER[@]}" wrangler dev --cwd "$TREE" --port "$PORT" --ip 127.0.0.1 --persist-to "$ROOT/$STATE" \
  --show-interactive-dev-session=false --log-level warn --var BENCH_ROUTES:true \
  --var "DEV_MODEL_URL:http://127.0.0.1:$DEV_MODEL_PORT/v1" > "$STATE.server.log" 2>&1
SERVER_PGID=$STARTED
# Bounded waits (curl -m): a worker that failed to build accepts connections and never answers.
wait_until_up() {
  local url="$1" what="$2" log_file="$3"
  for _ in $(seq 240); do
    curl -fsS -m 2 "$url" > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  log "$what did not come up at $url:"
  tail -n 30 "$log_file" >&2
  exit 1
}
wait_until_up "http://127.0.0.1:$DEV_MODEL_PORT/health" "the dev model" "$STATE.dev-model.log"
wait_until_up "http://127.0.0.1:$PORT/api/health" "the worker" "$STATE.server.log"

# The bench runs in a group of its own too, so a TERM to this script ends its children (autocannon,
# the stock Yjs server, the Yjs load clients); `wait` returns its exit status.
start_group env BENCH_LOAD_PREFIX="${PIN_LOAD[*]}" BENCH_RESULTS="$RESULTS" \
  node bench/run.mjs "http://127.0.0.1:$PORT" "http://127.0.0.1:$DEV_MODEL_PORT"
status=0
wait "$STARTED" || status=$?
if ! kill -0 -- "-$SERVER_PGID" 2> /dev/null; then
  log "wrangler dev died during the run:"
  tail -n 30 "$STATE.server.log" >&2
fi
exit "$status"
