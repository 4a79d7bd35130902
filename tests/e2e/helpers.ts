import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** The e2e server's port (playwright.config.ts): 8788 unless E2E_PORT moves it. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 8788);
export const E2E_ORIGIN = `http://localhost:${E2E_PORT}`;

let counter = 0;

/** A person nobody has registered yet in this server's fresh state. */
export function uniquePerson(label: string) {
  const stamp = `${Date.now().toString(36)}${++counter}`;
  return {
    name: `${label[0]!.toUpperCase()}${label.slice(1)} Tester`,
    email: `${label}-${stamp}@e2e.igny8.test`,
    password: `${label}-Pass-2026`,
    account: `${label[0]!.toUpperCase()}${label.slice(1)} Agency ${stamp}`,
  };
}

/**
 * Registers through the API with the page's own request context, so the httpOnly refresh
 * cookie lands in the browser: the next page load is signed in, as after a real sign-up.
 */
export async function registerInBrowser(page: Page, person: ReturnType<typeof uniquePerson>) {
  const res = await page.request.post('/api/v1/auth/register/', {
    data: { email: person.email, password: person.password, name: person.name, account_name: person.account },
    headers: { origin: E2E_ORIGIN },
  });
  expect(res.status()).toBe(201);
}

/** Creates a site through the API (for tests where the site is set-up, not the subject). */
export async function createSiteViaApi(request: APIRequestContext, person: ReturnType<typeof uniquePerson>, name: string) {
  const login = await request.post('/api/v1/auth/login/', { data: { email: person.email, password: person.password, delivery: 'body' } });
  const token = (await login.json()).data.access as string;
  const res = await request.post('/api/v1/auth/sites/', { data: { name }, headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(201);
}

export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
export const siteSwitcher = (page: Page) => page.getByRole('combobox', { name: 'Site', exact: true });

/** The page scrolls sideways if the document is wider than the viewport. */
export async function hasHorizontalScroll(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
