import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { apiCall, apiToken, E2E_ORIGIN, inviteInto, registerInBrowser, uniquePerson } from './helpers';

/**
 * Issue 14, items 11 and 13 in a real browser: a new team's first site carries on to its sectors
 * (the 5-active-sector limit visible in the picker), an invite preselects the site being worked on,
 * a forgotten password is recovered through the one-time link an owner shows (the e2e server has no
 * mail: the mailed path is covered by tests/api/password-reset.test.ts), and a signed-out visit
 * prints no console error. Each new page is checked with axe at 1280 px and 390 px.
 */

const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];
async function accessibleAtBothWidths(page: Page, label: string) {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await expectAccessible(page, `${label} at ${size.width}px`);
  }
  await page.setViewportSize(WIDTHS[0]!);
}

test('the first site goes on to its sectors; the picker stops at 5 active; invites preselect the site', async ({
  page,
}) => {
  const owner = uniquePerson('onboard');
  await registerInBrowser(page, owner);
  await page.goto('/settings/sites');
  await page.getByRole('button', { name: 'Add your first site' }).first().click();
  const add = page.getByRole('dialog', { name: 'Add a site' });
  await add.getByLabel('Site name').fill('Fresh Garden');
  await add.getByRole('button', { name: 'Add site' }).click();

  // Straight on to this site's sectors, with the template picker open.
  await expect(page).toHaveURL(/\/settings\/sectors\?site=\d+/);
  await expect(page.getByRole('combobox', { name: 'Site', exact: true })).toHaveValue(/\d+/);
  const picker = page.getByRole('dialog', { name: 'Add sectors from industry templates' });
  await expect(picker).toBeVisible();
  await expect(picker.getByText('0 of 5 active sectors')).toBeVisible();
  const boxes = picker.getByRole('checkbox');
  await expect(boxes.nth(6)).toBeVisible();
  for (let i = 0; i < 5; i++) await boxes.nth(i).check();
  await expect(picker.getByText('5 of 5 active sectors')).toBeVisible();
  await expect(picker.getByText(/that is the limit of a site/)).toBeVisible();
  await expect(boxes.nth(5)).toBeDisabled();
  await expect(boxes.nth(0)).toBeEnabled(); // a choice can still be taken back
  await accessibleAtBothWidths(page, 'sector picker');
  await picker.getByRole('button', { name: 'Add 5 sectors' }).click();
  await expect(picker).toBeHidden();
  await expect(page.getByText('Added 5 sectors to Fresh Garden.')).toBeVisible();

  await page.goto('/settings/users');
  await page.getByRole('button', { name: 'Invite user' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite a teammate' });
  await expect(invite.getByRole('checkbox', { name: /Fresh Garden/ })).toBeChecked();
});

test('forgot password without mail: the owner shows a one-time link, which sets a new password once', async ({
  page,
  browser,
  baseURL,
  request,
}) => {
  const owner = uniquePerson('resetter');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Reset Site' });
  const editor = uniquePerson('forgetful');
  const editorContext = await browser.newContext({ baseURL });
  await inviteInto(editorContext, request, token, editor, 'editor', [site.id]);
  await editorContext.clearCookies(); // they are signed out and forgot their password
  const them = await editorContext.newPage();

  await them.goto('/signin');
  await them.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(them).toHaveURL(/\/forgot-password$/);
  await accessibleAtBothWidths(them, '/forgot-password');
  await them.getByLabel('Email').fill(editor.email);
  await them.getByRole('button', { name: 'Send reset link' }).click();
  await expect(them.getByText(/ask an owner or admin of your team for a reset link/)).toBeVisible();

  // The owner makes the link on the team page; it is shown once.
  await page.goto('/settings/users');
  await page.getByRole('button', { name: `Actions for ${editor.name}` }).click();
  await page.getByRole('menuitem', { name: 'Reset link' }).click();
  const dialog = page.getByRole('dialog', { name: `Password reset link for ${editor.email}` });
  const url = await dialog.getByRole('textbox', { name: 'One-time password reset link' }).inputValue();
  expect(url).toMatch(/\/reset-password\/[\w-]+$/);
  await dialog.getByRole('button', { name: 'Done' }).click();

  await them.goto(new URL(url).pathname);
  await accessibleAtBothWidths(them, '/reset-password/[token]');
  await them.getByLabel('New password').fill('short');
  await them.getByRole('button', { name: 'Set new password' }).click();
  await expect(them.getByText('At least 10 characters.')).toBeVisible();
  await them.getByLabel('New password').fill('Forgetful-New-2026');
  await them.getByRole('button', { name: 'Set new password' }).click();
  await expect(them).toHaveURL(/\/signin\?email=/);
  await expect(them.getByLabel('Email')).toHaveValue(editor.email);
  await them.getByLabel('Password').fill('Forgetful-New-2026');
  await them.getByRole('button', { name: 'Sign in' }).click();
  await expect(them).toHaveURL(/\/$/);

  // The link worked once.
  const again = await editorContext.request.post('/api/v1/auth/password-reset/confirm/', {
    data: { token: new URL(url).pathname.split('/').pop(), password: 'Another-New-2026' },
    headers: { origin: E2E_ORIGIN },
  });
  expect(again.status()).toBe(400);
  await them.goto(new URL(url).pathname);
  await them.getByLabel('New password').fill('Another-New-2026');
  await them.getByRole('button', { name: 'Set new password' }).click();
  await expect(them.getByRole('heading', { name: 'Reset link not valid' })).toBeVisible();
  await editorContext.close();
});

test('a signed-out visit logs no console error or warning (the session probe is not a failure)', async ({ page }) => {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => messages.push(`pageerror: ${err.message}`));
  await page.goto('/signin');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin\?next=%2F$/);
  await page.goto('/planner/keywords?site=1');
  await expect(page).toHaveURL(/\/signin\?next=%2Fplanner%2Fkeywords%3Fsite%3D1$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(messages).toEqual([]);
});

test('a signed-in deep link paints the app shell, then the page, from ONE session probe sent early', async ({
  page,
}) => {
  const owner = uniquePerson('shell');
  await registerInBrowser(page, owner);
  // Every request of the load in order: the probe goes out before the app's page code has arrived
  // (app.html starts it), and only once (the refresh cookie it spends must not be spent twice).
  const order: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/v1/auth/session/' || path === '/api/v1/auth/refresh/') order.push(`${r.method()} ${path}`);
  });
  page.on('requestfinished', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/_app/immutable/nodes/')) order.push('page code loaded');
  });
  await page.goto('/settings/account');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  expect(order.filter((o) => o.startsWith('POST'))).toEqual(['POST /api/v1/auth/session/']);
  expect(order.indexOf('POST /api/v1/auth/session/')).toBeLessThan(order.indexOf('page code loaded'));

  // Signed in, /signin probes once and goes on to the app; the password-reset page never probes.
  order.length = 0;
  await page.goto('/signin');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  expect(order.filter((o) => o.startsWith('POST'))).toEqual(['POST /api/v1/auth/session/']);
  order.length = 0;
  await page.goto('/forgot-password');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(order.filter((o) => o.startsWith('POST'))).toEqual([]);
});
