import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * Integration tests run inside workerd with the real bindings of wrangler.toml (D1 control and
 * shards, Durable Objects, R2, Queues). Storage is isolated per test file; tests/setup applies the
 * migrations from migrations/ — the same files `wrangler d1 migrations apply` uses — to every database.
 * Unit specs (`*.spec.ts` beside the code) need none of this: they run in plain Node with
 * vitest.unit.config.ts.
 */
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: './worker/test-entry.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          // The development values that wrangler.toml's [vars] no longer carry (they live in
          // .dev.vars for `wrangler dev`; set here so the tests don't depend on a local file).
          APP_ENV: 'development',
          ALLOW_LOOPBACK_URLS: 'true',
          ALLOWED_ORIGINS: 'http://localhost:8787,http://127.0.0.1:8787,http://localhost:5173',
          CONTROL_MIGRATIONS: await readD1Migrations('migrations/control'),
          SHARD_MIGRATIONS: await readD1Migrations('migrations/shard'),
          JWT_SECRET: 'test-only-jwt-secret-0123456789abcdef0123456789',
          ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
          // The dev model server started by tests/setup/dev-model.ts (a real HTTP server).
          DEV_MODEL_URL: `${inject('devModelUrl')}/v1`,
          AI_CALL_TIMEOUT_MS: '3000',
          AI_RETRY_BASE_MS: '40',
          // The real WordPress started by tests/setup/wordpress.ts (empty + WP_TEST_ERROR if it could not start).
          WP_TEST_URL: inject('wordpress').url,
          WP_TEST_USER: inject('wordpress').user,
          WP_TEST_APP_PASSWORD: inject('wordpress').appPassword,
          WP_TEST_ERROR: inject('wordpress').error ?? '',
        },
      },
    })),
  ],
  test: {
    include: ['tests/api/**/*.test.ts'],
    setupFiles: ['./tests/setup/apply-migrations.ts'],
    // The site themes are precompiled Svelte (worker/site-renderer/compile-themes.mjs): compiled first.
    globalSetup: [
      './worker/site-renderer/compile-themes.mjs',
      './tests/setup/dev-model.ts',
      './tests/setup/wordpress.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
}));
