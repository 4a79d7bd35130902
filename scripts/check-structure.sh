#!/usr/bin/env bash
# The floor plan (scripts/layers.cjs), checked: imports point down the layers, no file-level import
# cycles (dependency-cruiser), no folder-level cycles (folder-cycles.mjs), and every table written
# only by its owner (table-owners.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
depcruise worker durable-objects core web/src --config .dependency-cruiser.cjs --output-type err-long
# Through a file, not a pipe: Node 24 aborted now and then reading a large JSON from stdin.
mkdir -p test-results
depcruise worker durable-objects core --config .dependency-cruiser.cjs --output-type json \
  --output-to test-results/dependency-graph.json
node scripts/folder-cycles.mjs test-results/dependency-graph.json
node scripts/table-owners.ts
