#!/usr/bin/env bash
# House rule: no line of source over 120 characters (Biome wraps code at 120; this also covers what
# a formatter can't wrap: strings, comments, SQL in template literals, Svelte markup). Generated and
# vendored files (lockfile, drizzle migrations and snapshots, web/static/vendor) and Markdown are
# left out.
set -euo pipefail
cd "$(dirname "$0")/.."
long=$(git ls-files -- '*.ts' '*.mjs' '*.cjs' '*.js' '*.svelte' '*.sh' '*.toml' '*.css' '*.html' \
  ':!:migrations/**' ':!:package-lock.json' ':!:web/static/vendor/**' | xargs grep -nE '.{121,}' || true)
if [ -n "$long" ]; then
  echo "$long" | cut -c1-160
  echo "$(echo "$long" | wc -l) lines over 120 characters"
  exit 1
fi
echo "no line over 120 characters"
