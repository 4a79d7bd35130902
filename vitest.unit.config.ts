import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Unit specs (`*.spec.ts` beside the code) run in plain Node: no workerd, no dev model server, no
 * WordPress. Anything that needs a real binding (D1, Durable Objects, `cloudflare:*` modules) is an
 * integration test under tests/api/ and runs with vitest.config.ts instead.
 */
export default defineConfig({
  // The web app's own aliases (web/vite.config.ts, SvelteKit's $lib), so its pure modules' specs run here too.
  resolve: {
    alias: {
      $core: resolve(import.meta.dirname, 'core'),
      $lib: resolve(import.meta.dirname, 'web/src/lib'),
    },
  },
  test: {
    environment: 'node',
    // Specs are pure (no vi.mock, no stubbed globals), so worker threads sharing one module graph
    // are safe, and ran the suite ~3× faster here than a fresh forked process per file (27 s vs
    // 70 s). A spec that changes module-level state must undo it.
    pool: 'threads',
    isolate: false,
    // The renderer's specs import the precompiled site themes (worker/site-renderer/compile-themes.mjs).
    globalSetup: ['./worker/site-renderer/compile-themes.mjs'],
    include: ['core/**/*.spec.ts', 'worker/**/*.spec.ts', 'durable-objects/**/*.spec.ts', 'web/src/**/*.spec.ts'],
    // A guard against a hang, not a speed check: the 2 MB draft-chunking spec alone takes seconds,
    // and many more when the machine's two cores are shared.
    testTimeout: 30_000,
  },
});
