// Folder-level import cycles: dependency-cruiser checks cycles between files; this collapses its
// JSON report (a file) to folders and fails on any cycle between folders, so two modules
// can't lean on each other through different files (planner → writer → planner). Entry points
// (routes, Durable Object classes: scripts/layers.cjs) are the roof: they import from every
// folder and nothing imports them, so cycles are looked for in the house below them.
// Usage: node scripts/folder-cycles.mjs <dependency-cruiser JSON report>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const entry = new RegExp(createRequire(import.meta.url)('./layers.cjs').ENTRY);

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const edges = new Map();
for (const mod of report.modules) {
  if (mod.coreModule || mod.couldNotResolve || mod.source.includes('node_modules') || entry.test(mod.source)) continue;
  const from = dirname(mod.source);
  for (const dep of mod.dependencies) {
    if (dep.coreModule || dep.couldNotResolve || dep.resolved.includes('node_modules') || entry.test(dep.resolved))
      continue;
    const to = dirname(dep.resolved);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const via = edges.get(from);
    if (!via.has(to)) via.set(to, `${mod.source} → ${dep.resolved}`);
  }
}

// Tarjan's strongly connected components: every component of more than one folder is a cycle.
let index = 0;
const stack = [];
const meta = new Map();
const cycles = [];
function connect(v) {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!meta.has(w)) {
      connect(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).onStack) {
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
    }
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
}
for (const v of edges.keys()) if (!meta.has(v)) connect(v);

if (cycles.length === 0) {
  console.log(`no folder-level import cycles among ${edges.size} folders`);
} else {
  for (const component of cycles) {
    console.error(`folder cycle: ${component.join(' ⇄ ')}`);
    const inside = new Set(component);
    for (const from of component) {
      for (const [to, example] of edges.get(from) ?? []) if (inside.has(to)) console.error(`  ${example}`);
    }
  }
  process.exit(1);
}
