import { expect, test } from '@playwright/test';
import { E2E_ORIGIN, registerInBrowser, uniquePerson } from './helpers';

/**
 * Issue 8, scope 10: `?next=` on the sign-in page only ever leads to a path of this app. Hostile
 * values (a tab the browser drops, a backslash it reads as a slash, another origin, javascript:)
 * land on the dashboard instead, both for someone already signed in and after the form.
 */
const HOSTILE = [
  '/%09/evil.example',
  '//evil.example',
  '/%5Cevil.example',
  'https%3A%2F%2Fevil.example',
  'javascript%3Aalert(1)',
  '/.//evil.example',
];

test.beforeEach(async ({ page }) => {
  // Should anything try to leave, the attempt is visible in the URL instead of a DNS error.
  await page.route(
    (url) => url.hostname.endsWith('evil.example'),
    (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' }),
  );
});

test('a signed-in user opening /signin with a hostile next stays on the dashboard', async ({ page }) => {
  const person = uniquePerson('nextsafe');
  await registerInBrowser(page, person);
  for (const next of HOSTILE) {
    await page.goto(`/signin?next=${next}`);
    await expect(page, next).toHaveURL(`${E2E_ORIGIN}/`);
    await expect(page.getByRole('heading', { name: 'Welcome, Nextsafe' })).toBeVisible();
  }
  await page.goto('/signin?next=%2Fplanner%2Fkeywords');
  await expect(page).toHaveURL(`${E2E_ORIGIN}/planner/keywords`);
});

test('signing in through the form with a hostile next goes to the dashboard', async ({ page }) => {
  const person = uniquePerson('nextform');
  const res = await page.request.post('/api/v1/auth/register/', {
    data: {
      email: person.email,
      password: person.password,
      name: person.name,
      account_name: person.account,
      delivery: 'body',
    },
  });
  expect(res.status()).toBe(201);
  await page.goto('/signin?next=/%09/evil.example');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(`${E2E_ORIGIN}/`);
  await expect(page.getByRole('heading', { name: 'Welcome, Nextform' })).toBeVisible();
});
