import { defineConfig } from '@playwright/test';

/**
 * Browser tests against the built worker under `wrangler dev` on a fresh local state
 * (scripts/e2e-server.sh). Debian's Chromium is used: no browser download is possible here.
 */
// E2E_PORT lets a second checkout (or a helper) run the suite beside another on the same machine.
const PORT = Number(process.env.E2E_PORT ?? 8788);

export default defineConfig({
  testDir: 'tests/e2e',
  // A real WordPress for the publishing journey (tests/e2e/global-setup.ts).
  globalSetup: './tests/e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'bash scripts/e2e-server.sh',
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    // Migrating a fresh state and starting wrangler takes ~40 s idle; on a 2-core machine busy with
    // another suite it took over 180 s, failing the run before a test had started.
    timeout: 360_000,
  },
});
