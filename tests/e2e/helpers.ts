import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';

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

type Person = ReturnType<typeof uniquePerson>;

/** An access token for API calls that set up a test (not through the browser's session). */
export async function apiToken(request: APIRequestContext, person: Person): Promise<string> {
  const res = await request.post('/api/v1/auth/login/', {
    data: { email: person.email, password: person.password, delivery: 'body' },
  });
  expect(res.status()).toBe(200);
  return (await res.json()).data.access as string;
}

/** One API call with a token; fails the test on an error and resolves to the envelope's `data`. */
export async function apiCall<T>(
  request: APIRequestContext,
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  path: string,
  data?: unknown,
): Promise<T> {
  const res = await request.fetch(path, { method, data, headers: { authorization: `Bearer ${token}` } });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()).data as T;
}

/**
 * Invites `person` to the site with `role` and accepts in `context`'s own request context, so the
 * session cookie lands in that browser: its next page load is signed in as them.
 */
export async function inviteInto(
  context: BrowserContext,
  request: APIRequestContext,
  token: string,
  person: Person,
  role: 'editor' | 'viewer',
  siteIds: number[],
) {
  const made = await apiCall<{ invite_url: string }>(request, token, 'POST', '/api/v1/auth/users/', {
    email: person.email,
    name: person.name,
    role,
    site_ids: siteIds,
  });
  const accepted = await context.request.post(`/api/v1/auth/invite/${made.invite_url.split('/').pop()}/accept/`, {
    data: { name: person.name, password: person.password },
    headers: { origin: E2E_ORIGIN },
  });
  expect(accepted.status()).toBe(200);
}

/** Creates a site through the API (for tests where the site is set-up, not the subject). */
export async function createSiteViaApi(request: APIRequestContext, person: Person, name: string) {
  const token = await apiToken(request, person);
  const res = await request.post('/api/v1/auth/sites/', {
    data: { name },
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(201);
}

export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
export const siteSwitcher = (page: Page) => page.getByRole('combobox', { name: 'Site', exact: true });

/** The page scrolls sideways if the document is wider than the viewport. */
export async function hasHorizontalScroll(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
