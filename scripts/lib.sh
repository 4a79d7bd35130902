# Shared steps of scripts/dev.sh, scripts/test.sh, scripts/e2e-server.sh and scripts/bench.sh.
# Every script runs through `npm run`, so node_modules/.bin (Node 24, wrangler, vite) is first on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# As under `npm run`: Node 24, wrangler and vite from node_modules come first (STACK.md).
export PATH="$ROOT/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false
export CI="${CI:-}"

log() { printf '\033[1;34m[igny8]\033[0m %s\n' "$*" >&2; }

# npm packages: installed when missing or when package.json changed since the last install.
ensure_npm_packages() {
  if [ ! -x node_modules/.bin/wrangler ] || [ package.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    npm install --no-audit --no-fund --loglevel=error
  fi
}

# The development values wrangler.toml's [vars] must not carry (a plain `wrangler deploy` ships
# [vars]; worker/config-guard.ts refuses them in production). `wrangler dev` reads .dev.vars over
# [vars]; scripts may still override one with --var (the e2e and bench servers' own dev model port).
DEV_VARS_DEFAULTS=(
  "APP_ENV=development"
  "ALLOW_LOOPBACK_URLS=true"
  "DEV_MODEL_URL=http://127.0.0.1:8799/v1"
  "ALLOWED_ORIGINS=http://localhost:8787,http://127.0.0.1:8787,http://localhost:5173"
)

# Local secrets and development values for wrangler dev (never committed). Secrets are generated
# once per checkout; a .dev.vars from an older checkout only gets the lines it lacks appended, so
# its secrets (and any value a developer changed) are never overwritten.
ensure_dev_vars() {
  local file=.dev.vars line older=true
  if [ ! -f "$file" ]; then
    log "writing .dev.vars with fresh local secrets and the development values"
    : > "$file"
    older=false
  fi
  # A last line without a newline would glue onto the first appended one.
  [ ! -s "$file" ] || [ -z "$(tail -c 1 "$file")" ] || echo >> "$file"
  grep -q '^JWT_SECRET=' "$file" \
    || echo "JWT_SECRET=$(node -e 'console.log(require("crypto").randomBytes(48).toString("base64url"))')" >> "$file"
  grep -q '^ENCRYPTION_KEY=' "$file" \
    || echo "ENCRYPTION_KEY=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')" >> "$file"
  for line in "${DEV_VARS_DEFAULTS[@]}"; do
    if ! grep -q "^${line%%=*}=" "$file"; then
      [ "$older" = false ] || log "adding ${line%%=*} to .dev.vars (development values are no longer in wrangler.toml)"
      echo "$line" >> "$file"
    fi
  done
}

# The SvelteKit build that worker/index.ts imports, plus Swagger UI's files for /api/docs.
build_web() {
  log "building the web app"
  mkdir -p web/static/vendor/swagger-ui
  cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
    web/static/vendor/swagger-ui/
  (cd web && vite build --logLevel warn)
}

# Applies migrations/control and migrations/shard to the local control DB and every shard.
apply_migrations() {
  local persist="$1"
  for db in DB_CONTROL DB_SHARD_0 DB_SHARD_1 DB_SHARD_2 DB_SHARD_3; do
    wrangler d1 migrations apply "$db" --local --persist-to "$persist" > "$persist.migrate-$db.log" 2>&1 \
      || { cat "$persist.migrate-$db.log" >&2; return 1; }
  done
  log "migrations applied to the control DB and 4 shards ($persist)"
}

# A long-lived local state (npm run dev) whose already-applied migration files were edited since
# (allowed before the first release) would keep the old schema: start it afresh, and say so.
reset_state_if_migrations_changed() {
  local persist="$1" stamp="$1/.migration-hashes"
  [ -f "$stamp" ] || return 0
  if ! (cd migrations && sha256sum --quiet --check "../$stamp" > /dev/null 2>&1); then
    # log joins its arguments with a space: one message, split to keep the line short.
    log "a migration already applied to $persist was edited since:" \
      "starting the local data afresh (the demo account is seeded again)"
    rm -rf "$persist"
  fi
}

# Records which migration files the state has, for reset_state_if_migrations_changed.
record_migrations() {
  (cd migrations && sha256sum */*.sql) > "$1/.migration-hashes"
}

# Waits until the worker answers /api/health.
wait_for_health() {
  local url="$1" tries="${2:-120}"
  for _ in $(seq "$tries"); do
    if curl -fsS "$url/api/health" > /dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "the worker did not come up at $url"
  return 1
}

# Debian Chromium for Playwright (no browser download is possible here); needs root.
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" != "0" ]; then
    log "Chromium missing and not root: install the Debian 'chromium' package"
    return 1
  fi
  log "installing Debian chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null) >&2
}

# The OpenAI-compatible dev model server (dev-model/), in the background; reused if already up.
# Realistic latency by default so progress is visible; DEV_MODEL_LATENCY_MS=0 for speed.
start_dev_model() {
  local port="$1" log="$2"
  if curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1; then
    log "dev model server already on :$port"
    return 0
  fi
  node dev-model/server.ts --port "$port" --latency "${DEV_MODEL_LATENCY_MS:-400}" --jitter 200 \
    --stream-delay "${DEV_MODEL_STREAM_DELAY_MS:-8}" --quiet > "$log" 2>&1 &
  DEV_MODEL_PID=$!
  for _ in $(seq 100); do
    if grep -q DEV_MODEL_READY "$log" 2>/dev/null; then
      log "dev model server on http://127.0.0.1:$port (demo model, no internet needed)"
      return 0
    fi
    sleep 0.1
  done
  cat "$log" >&2
  return 1
}
