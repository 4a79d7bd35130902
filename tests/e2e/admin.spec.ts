import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { E2E_ORIGIN, registerInBrowser, uniquePerson } from './helpers';

/**
 * The developer console (issue 14, item 7) and the status page (item 4) in a real browser: a developer
 * finds an account, suspends and reactivates it, adjusts its credits, edits a plan and reads the audit log;
 * an owner reads the status page and is kept out of /admin. axe at desktop width and at 390 px on each page.
 */

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** Checks the page at both widths (the layout changes at the phone breakpoint), back to desktop after. */
async function accessibleAtBothWidths(page: Page, label: string) {
  await expectAccessible(page, `${label} (desktop)`);
  await page.setViewportSize(PHONE);
  await expectAccessible(page, `${label} (390 px)`);
  await page.setViewportSize(DESKTOP);
}

/** Signs up, becomes a developer through the test-only hook, and signs in again (the new role's token). */
async function signInAsDeveloper(page: Page) {
  const dev = uniquePerson('developer');
  await registerInBrowser(page, dev);
  const promoted = await page.request.post('/api/v1/_test/promote-developer/', { data: { email: dev.email } });
  expect(promoted.status(), await promoted.text()).toBe(200);
  const login = await page.request.post('/api/v1/auth/login/', {
    data: { email: dev.email, password: dev.password },
    headers: { origin: E2E_ORIGIN },
  });
  expect(login.status()).toBe(200);
  return dev;
}

test.use({ viewport: DESKTOP });

test('a developer runs the console: account, suspension, credits, plan, audit log', async ({ page, browser }) => {
  // A long journey (seven pages, axe twice on each) on a shared, loaded machine.
  test.setTimeout(240_000);
  const customer = uniquePerson('customer');
  const customerContext = await browser.newContext({ baseURL: E2E_ORIGIN });
  const customerPage = await customerContext.newPage();
  await registerInBrowser(customerPage, customer);

  await signInAsDeveloper(page);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Accounts', exact: true })).toBeVisible();
  await page.getByLabel('Search accounts').fill(customer.email);
  await page.getByLabel('Search accounts').press('Enter');
  const link = page.getByRole('link', { name: customer.account });
  await expect(link).toBeVisible();
  await accessibleAtBothWidths(page, '/admin');
  await link.click();

  await expect(page.getByRole('heading', { name: customer.account })).toBeVisible();
  await accessibleAtBothWidths(page, 'account detail');

  // Suspend (confirmed), and the customer's next request is refused; then reactivate.
  await page.getByRole('button', { name: 'Suspend' }).click();
  const confirm = page.getByRole('dialog', { name: `Suspend ${customer.account}?` });
  await confirm.getByRole('button', { name: 'Suspend' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText('Suspended', { exact: true })).toBeVisible();
  const refused = await customerPage.request.post('/api/v1/auth/login/', {
    data: { email: customer.email, password: customer.password, delivery: 'body' },
  });
  expect(refused.status()).toBe(403);
  await page.getByRole('button', { name: 'Reactivate' }).click();
  await page
    .getByRole('dialog', { name: `Reactivate ${customer.account}?` })
    .getByRole('button', { name: 'Reactivate' })
    .click();
  await expect(page.getByText('Active', { exact: true })).toBeVisible();

  // Credits: the new balance is shown.
  const before = Number((await page.getByTestId('balance').textContent())!.replace(/[^\d]/g, ''));
  await page.getByLabel('Amount').fill('500');
  await page.getByLabel('Reason').fill('Goodwill after the outage');
  await page.getByRole('button', { name: 'Adjust credits' }).click();
  const after = (before + 500).toLocaleString('en-US');
  await expect(page.getByRole('status').filter({ hasText: `New balance: ${after}` })).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText(after);
  await expect(page.getByRole('cell', { name: 'Goodwill after the outage' })).toBeVisible();

  // Plans: a new plan, then edited.
  await page.getByRole('navigation', { name: 'Developer console' }).getByRole('link', { name: 'Plans' }).click();
  await expect(page.getByRole('heading', { name: 'Plans', exact: true })).toBeVisible();
  const slug = `e2e-${Date.now().toString(36)}`;
  await page.getByRole('button', { name: 'New plan' }).click();
  const create = page.getByRole('dialog', { name: 'New plan' });
  await create.getByLabel('Name').fill(`Studio ${slug}`);
  await create.getByLabel('Slug').fill(slug);
  await create.getByLabel('Max sites').fill('5');
  await create.getByRole('button', { name: 'Save plan' }).click();
  await expect(create).toBeHidden();
  await page.getByRole('button', { name: `Edit Studio ${slug}`, exact: true }).click();
  const edit = page.getByRole('dialog', { name: `Edit Studio ${slug}` });
  await edit.getByLabel('Name').fill(`Studio ${slug} Plus`);
  await edit.getByLabel('Included credits').fill('1500');
  await edit.getByRole('button', { name: 'Save plan' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('rowheader', { name: new RegExp(`Studio ${slug} Plus`) })).toBeVisible();
  await accessibleAtBothWidths(page, '/admin/plans');

  await page.goto('/admin/dead-letters');
  await expect(page.getByRole('heading', { name: 'Dead letters', exact: true })).toBeVisible();
  await accessibleAtBothWidths(page, '/admin/dead-letters');

  // The audit log shows each change.
  await page.goto('/admin/audit');
  await expect(page.getByRole('heading', { name: 'Audit log', exact: true })).toBeVisible();
  for (const action of ['account.status', 'credits.adjust', 'plan.create', 'plan.update']) {
    await expect(page.getByText(action, { exact: true }).first()).toBeVisible();
  }
  await accessibleAtBothWidths(page, '/admin/audit');
  await customerContext.close();
});

test('an owner reads the status page and is kept out of the console', async ({ page }) => {
  const owner = uniquePerson('statusowner');
  await registerInBrowser(page, owner);
  await page.goto('/settings/status');
  await expect(page.getByRole('heading', { name: 'Status', exact: true })).toBeVisible();
  const checks = page.getByRole('list', { name: 'Checks' });
  for (const label of ['Database: control', 'Durable Objects', 'Storage (R2)', 'Queue', 'AI provider']) {
    await expect(checks.getByRole('heading', { name: label })).toBeVisible();
  }
  await expect(page.getByText(/Checked at/)).toBeVisible();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  await accessibleAtBothWidths(page, '/settings/status');

  await page.goto('/admin');
  await expect(
    page.getByRole('heading', { name: 'You don’t have access to the developer console', exact: true }),
  ).toBeVisible();
  await accessibleAtBothWidths(page, '/admin as an owner');
});
