/**
 * The four layers of the code, as path patterns (repository-relative). Imports point down only:
 * entry points → features → engines → platform. Read by .dependency-cruiser.cjs and
 * scripts/folder-cycles.mjs.
 *   entry points  worker routes (*routes.ts), the app and worker entries, the Durable Object classes
 *                 (durable-objects/<name>/index.ts) and their feature wiring (features.ts)
 *   features      one folder per module under worker/ (planner, writer, publisher, billing, …)
 *   engines       the job engine (durable-objects/site-coordinator/engine/), the draft engine
 *                 (durable-objects/draft-room/ but its class and wiring) and the AI key budget's protocol and
 *                 client (durable-objects/ai-budget/ but its class), each with the protocol.ts and
 *                 client.ts through which the worker reaches its object
 *   platform      core/, worker/{http,middleware,db,lib}/, worker/env.ts
 */
module.exports = {
  PLATFORM: '^(core/|worker/(http|middleware|db|lib)/|worker/env\\.ts$)',
  ENGINE: '^durable-objects/(site-coordinator/engine/|draft-room/(?!(index|features)\\.ts$)|ai-budget/(?!index\\.ts$))',
  FEATURE: '^worker/(?!(http|middleware|db|lib)/)[^/]+/',
  ENTRY:
    '^(worker/(app|index|worker|test-entry|config-guard)\\.ts$|worker/.+routes\\.ts$|' +
    'durable-objects/[^/]+/(index|features)\\.ts$)',
};
