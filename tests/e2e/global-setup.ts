import { startWordPress } from '../setup/wordpress';

/**
 * Playwright globalSetup: the real WordPress the publishing journey publishes to. Its address and
 * credentials reach the specs as environment variables (Playwright's workers inherit the
 * environment globalSetup leaves); the returned function is the teardown.
 */
export default async function globalSetup() {
  const { info, stop } = await startWordPress();
  process.env.E2E_WP_URL = info.url;
  process.env.E2E_WP_USER = info.user;
  process.env.E2E_WP_APP_PASSWORD = info.appPassword;
  process.env.E2E_WP_ERROR = info.error ?? '';
  return stop;
}
