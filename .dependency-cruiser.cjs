/**
 * The floor plan, checked by `npm test` (scripts/check-structure.sh): the layers are defined in
 * scripts/layers.cjs. Type-only imports count too: a type names what it depends on as much as a
 * value does.
 */
const { PLATFORM, ENGINE, FEATURE, ENTRY } = require('./scripts/layers.cjs');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles between files (folder-level cycles: scripts/folder-cycles.mjs).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-imports-platform-only',
      severity: 'error',
      comment: 'Platform code (core, http, middleware, db, lib) knows no engine, feature or entry point.',
      from: { path: PLATFORM },
      to: { path: '^(worker|durable-objects)/', pathNot: PLATFORM },
    },
    {
      name: 'engine-knows-no-feature',
      severity: 'error',
      comment: 'An engine takes what it needs from features as interfaces (engine/ports.ts).',
      from: { path: ENGINE },
      to: { path: '^(worker|durable-objects)/', pathNot: `${PLATFORM}|${ENGINE}` },
    },
    {
      name: 'features-import-no-entry-point',
      severity: 'error',
      comment: 'Routes and Durable Object classes sit on top: a feature never imports one.',
      from: { path: FEATURE, pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: 'worker-reaches-objects-through-clients',
      severity: 'error',
      comment: 'No worker file imports a Durable Object class: each object has a protocol.ts and a client.ts.',
      from: { path: '^worker/', pathNot: '^worker/(index|test-entry)\\.ts$' },
      to: { path: '^durable-objects/[^/]+/(index|features)\\.ts$' },
    },
    {
      name: 'core-is-shared-and-standalone',
      severity: 'error',
      comment: 'core/ is imported by the worker and the web app alike, so it imports neither.',
      from: { path: '^core/' },
      to: { path: '^(worker|durable-objects|web)/' },
    },
    {
      name: 'web-imports-core-only',
      severity: 'error',
      comment: 'The web app shares schema, types and validation through core/, never worker code.',
      from: { path: '^web/' },
      to: { path: '^(worker|durable-objects)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.svelte-kit|build)/|\\.spec\\.ts$|\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
