#!/usr/bin/env bash
# The floor plan (scripts/layers.cjs), checked: imports point down the layers, no file-level import
# cycles (dependency-cruiser), no folder-level cycles (folder-cycles.mjs), and every table written
# only by its owner (table-owners.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
depcruise worker durable-objects core web/src --config .dependency-cruiser.cjs --output-type err-long
depcruise worker durable-objects core --config .dependency-cruiser.cjs --output-type json | node scripts/folder-cycles.mjs
if [ -f scripts/table-owners.ts ]; then node scripts/table-owners.ts; fi
