#!/usr/bin/env bash
# `npm test`: installs what is missing, type-checks, lints, runs the unit specs in plain Node, the
# workerd integration tests and the Playwright suite, and ends with one line adding up every suite:
# "N passed, N failed".
source "$(dirname "$0")/lib.sh"
set +e
mkdir -p test-results
PASSED=0
FAILED=0
SUMMARY=()

# count NAME PASSED FAILED: adds a suite's figures to the totals.
count() {
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3))
  SUMMARY+=("$(printf '%-26s %4s passed, %s failed' "$1" "$2" "$3")")
}

# check NAME COMMAND...: a step that is one check (type-checks).
check() {
  local name="$1"; shift
  log "$name"
  if "$@"; then count "$name" 1 0; else count "$name" 0 1; fi
}

# json_counts FILE EXPR: evaluates EXPR over the JSON report in FILE, printing "passed failed".
json_counts() {
  node -e '
    const fs = require("fs");
    try { const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2])); }
    catch { console.log("0 1"); }' "$1" "$2"
}

ensure_npm_packages || { echo "0 passed, 1 failed"; exit 1; }
ensure_dev_vars
ensure_chromium || log "Chromium could not be installed: the browser suite will fail"

check "typecheck: worker + core" tsc --noEmit -p tsconfig.json
check "typecheck: e2e + dev model" tsc --noEmit -p tsconfig.e2e.json
# The web's typed client reads the API's type from declarations (web/.api-types, tsconfig.api-types.json).
check "typecheck: web (svelte)" bash -c 'npm run --silent api-types && cd web && svelte-kit sync && cd .. &&
  svelte-check --workspace web --tsconfig ./tsconfig.json --threshold error --output human'
# Formatting and lint rules (biome.json) over worker, durable-objects, core, web/src, tests, bench,
# dev-model and scripts; `biome ci` changes nothing, it fails on any unformatted file or lint error.
check "lint + format (Biome)" biome ci .
# The floor plan (scripts/layers.cjs): imports point down the layers, no file or folder cycles, every
# table written only by its owner (core/schema/owners.ts).
check "structure: layers, cycles, owners" bash scripts/check-structure.sh
check "no line over 120 characters" bash scripts/check-line-length.sh

log "dev model server tests (node --test, real openai SDK)"
node --test --test-reporter=tap dev-model/ > test-results/dev-model.tap 2>&1
grep -E '^# (pass|fail) ' test-results/dev-model.tap | tail -2 | sed 's/^# //' >&2
p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' test-results/dev-model.tap | tail -1)
f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' test-results/dev-model.tap | tail -1)
[ -n "$p" ] || { p=0; f=1; tail -30 test-results/dev-model.tap >&2; }
count "dev model server" "$p" "${f:-0}"

# A vitest JSON report as "passed failed" (a run that failed outside any test counts as one failure).
VITEST_COUNTS='`${r.numPassedTests} ${r.numFailedTests + (r.success === false && r.numFailedTests === 0 ? 1 : 0)}`'

# The specs beside the code (*.spec.ts) need no workerd, dev model or WordPress: plain Node, first.
log "unit specs in plain Node (vitest)"
rm -f test-results/vitest-unit.json
vitest run --config vitest.unit.config.ts --reporter=default --reporter=json --outputFile=test-results/vitest-unit.json
read -r p f < <(json_counts test-results/vitest-unit.json "$VITEST_COUNTS")
count "unit specs (Node)" "$p" "$f"

log "integration tests in workerd (vitest)"
rm -f test-results/vitest.json
vitest run --config vitest.config.ts --reporter=default --reporter=json --outputFile=test-results/vitest.json
read -r p f < <(json_counts test-results/vitest.json "$VITEST_COUNTS")
count "workerd integration" "$p" "$f"

log "browser tests (Playwright on Debian Chromium)"
build_web
rm -f test-results/playwright.json
playwright test
playwright_counts='`${r.stats.expected + r.stats.flaky} ${r.stats.unexpected + (r.errors?.length ?? 0)}`'
read -r p f < <(json_counts test-results/playwright.json "$playwright_counts")
count "browser (Playwright)" "$p" "$f"

echo
printf '%s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
