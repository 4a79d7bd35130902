import { expect, test, type Page } from '@playwright/test';
import {
  createSiteViaApi,
  E2E_PORT,
  hasHorizontalScroll,
  mainNav,
  registerInBrowser,
  siteSwitcher,
  uniquePerson,
} from './helpers';

/**
 * What a new team does on day one, in a real browser against the real worker: sign up, create
 * sites, pick sectors (and meet the 5-sector limit), invite an editor for one site, and see the
 * app through that editor's eyes; then the same app on a phone, with the keyboard only and in
 * dark mode. Assertions are on what a user sees: headings, text, URLs.
 */

async function addSite(page: Page, name: string, domain: string) {
  await page.getByRole('button', { name: 'Add site', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a site' });
  await dialog.getByLabel('Site name').fill(name);
  await dialog.getByLabel('Domain').fill(domain);
  await dialog.getByRole('button', { name: 'Add site' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Site “${name}” added.`)).toBeVisible();
}

test.describe('day one of a new team', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('owner sets up sites and sectors, invites an editor who sees only their site', async ({ page }) => {
    const owner = uniquePerson('owner');
    const editor = uniquePerson('editor');

    // Signed-out visitors are sent to sign-in, remembering where they were going.
    await page.goto('/');
    await expect(page).toHaveURL(/\/signin\?next=%2F$/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect(page).toHaveURL(/\/signup/);

    // A field error from the shared schema shows under its field before anything is sent.
    await page.getByLabel('Your name').fill(owner.name);
    await page.getByLabel('Work email').fill(owner.email);
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Account name').fill(owner.account);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('At least 10 characters.')).toBeVisible();
    await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');

    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(new RegExp(`localhost:${E2E_PORT}/$`));
    await expect(page.getByRole('heading', { name: 'Welcome, Owner' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Getting started' })).toBeVisible();

    // Two sites: the editor will get only the first.
    await page.getByRole('link', { name: 'Add a site' }).click();
    await expect(page).toHaveURL(/\/settings\/sites$/);
    await expect(page.getByRole('heading', { name: 'No sites yet' })).toBeVisible();
    await addSite(page, 'Green Thumb Gardening', 'greenthumb.example');
    // The first site goes on to its sectors with the template picker open; this team adds them below.
    await expect(page).toHaveURL(/\/settings\/sectors\?site=\d+/);
    const onboarding = page.getByRole('dialog', { name: 'Add sectors from industry templates' });
    await expect(onboarding).toBeVisible();
    await onboarding.getByRole('button', { name: 'Cancel' }).click();
    await mainNav(page).getByRole('link', { name: 'Sites' }).click();
    await expect(page.getByRole('row', { name: /Green Thumb Gardening/ })).toBeVisible();
    await addSite(page, 'Urban Cycling Co', 'urbancycling.example');
    await expect(page.getByRole('row', { name: /Urban Cycling Co/ })).toBeVisible();
    await expect(page.getByText('1–2 of 2 sites')).toBeVisible();
    await expect(siteSwitcher(page).locator('option')).toHaveText(['Green Thumb Gardening', 'Urban Cycling Co']);

    // Sectors of the first site, from industry templates.
    await siteSwitcher(page).selectOption({ label: 'Urban Cycling Co' });
    await expect(page).toHaveURL(/[?&]site=\d+/);
    await siteSwitcher(page).selectOption({ label: 'Green Thumb Gardening' });
    await mainNav(page).getByRole('link', { name: 'Sectors' }).click();
    await expect(page.getByRole('heading', { name: 'Sectors of Green Thumb Gardening' })).toBeVisible();
    await expect(page.getByText('0 of 5 active', { exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Add from templates' }).first().click();
    const picker = page.getByRole('dialog', { name: 'Add sectors from industry templates' });
    const homeAndGarden = picker.getByRole('group', { name: 'Home & Garden' });
    for (const name of ['Gardening', 'Home Improvement', 'Interior Design', 'Outdoor Living', 'Smart Home']) {
      await homeAndGarden.getByRole('checkbox', { name: new RegExp(`^${name}`) }).check();
    }
    await expect(picker.getByText('5 templates selected')).toBeVisible();
    await picker.getByRole('button', { name: 'Add 5 sectors' }).click();
    await expect(picker).toBeHidden();
    await expect(page.getByText('Added 5 sectors to Green Thumb Gardening.')).toBeVisible();
    await expect(page.getByText('5 of 5 active', { exact: true })).toBeVisible();
    await expect(page.getByRole('row', { name: /Outdoor Living/ })).toBeVisible();

    // A sixth active sector can't be picked: the picker says why (the API refuses it too, tests/api).
    await page.getByRole('button', { name: 'Add from templates' }).first().click();
    await expect(picker.getByRole('checkbox', { name: /^Gardening · added/ })).toBeDisabled();
    await picker.getByRole('searchbox', { name: 'Filter templates' }).fill('pets');
    await expect(picker.getByRole('checkbox', { name: /^Dogs/ })).toBeDisabled();
    await expect(picker.getByText(/that is the limit of a site/)).toBeVisible();
    await picker.getByRole('button', { name: 'Cancel' }).click();
    await expect(picker).toBeHidden();
    await expect(page.getByText('5 of 5 active', { exact: true })).toBeVisible();

    // Invite an editor for the first site only, and copy the one-time link.
    await mainNav(page).getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Invite user' }).click();
    const invite = page.getByRole('dialog', { name: 'Invite a teammate' });
    await invite.getByLabel('Email').fill(editor.email);
    await invite.getByLabel('Name').fill(editor.name);
    await invite.getByLabel('Role').selectOption('editor');
    const siteChoices = invite.getByRole('group', { name: 'Sites they can see' });
    await expect(siteChoices.getByRole('checkbox')).toHaveCount(2);
    await siteChoices.getByRole('checkbox', { name: /Green Thumb Gardening/ }).check();
    await invite.getByRole('button', { name: 'Create invite link' }).click();

    const linkDialog = page.getByRole('dialog', { name: `Invite link for ${editor.email}` });
    const linkField = linkDialog.getByRole('textbox', { name: 'One-time invite link' });
    await expect(linkField).toHaveValue(new RegExp(`^http://localhost:${E2E_PORT}/invite/[A-Za-z0-9_-]{20,}$`));
    await linkDialog.getByRole('button', { name: 'Copy' }).click();
    await expect(linkDialog.getByText('Link copied to the clipboard.')).toBeVisible();
    const inviteUrl = await page.evaluate(() => navigator.clipboard.readText());
    expect(inviteUrl).toBe(await linkField.inputValue());
    await linkDialog.getByRole('button', { name: 'Done' }).click();
    await expect(linkDialog).toBeHidden();

    const editorRow = page.getByRole('row', { name: new RegExp(editor.email) });
    await expect(editorRow).toContainText('Invited');
    await expect(editorRow).toContainText('Editor');
    await expect(editorRow).toContainText('Green Thumb Gardening');
    await expect(editorRow).not.toContainText('Urban Cycling Co');

    // Sign out; the app is closed again.
    await page.getByRole('button', { name: `Account menu for ${owner.name}` }).click();
    const menu = page.getByRole('menu');
    await expect(menu).toContainText(owner.email);
    await expect(menu).toContainText('Owner');
    await expect(menu).toContainText(owner.account);
    await menu.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin$/);
    await page.goto('/settings/users');
    await expect(page).toHaveURL(/\/signin\?next=%2Fsettings%2Fusers$/);

    // The editor opens the link, sets a password and is signed in.
    await page.goto(inviteUrl);
    await expect(page.getByRole('heading', { name: `Join ${owner.account}` })).toBeVisible();
    await expect(page.getByText('You were invited as editor.')).toBeVisible();
    await expect(page.getByText(editor.email)).toBeVisible();
    await expect(page.getByLabel('Your name')).toHaveValue(editor.name);
    await page.getByLabel('Choose a password').fill(editor.password);
    await page.getByRole('button', { name: 'Set password and join' }).click();
    await expect(page).toHaveURL(new RegExp(`localhost:${E2E_PORT}/$`));
    await expect(page.getByRole('heading', { name: 'Welcome, Editor' })).toBeVisible();

    // Only the granted site, and no user management.
    await expect(siteSwitcher(page).locator('option')).toHaveText(['Green Thumb Gardening']);
    await expect(mainNav(page).getByRole('link', { name: 'Users' })).toHaveCount(0);
    await expect(mainNav(page).getByRole('link', { name: 'Site access' })).toHaveCount(0);

    await mainNav(page).getByRole('link', { name: 'Sites' }).click();
    await expect(page.getByRole('heading', { name: 'Sites', exact: true })).toBeVisible();
    await expect(page.getByText('1–1 of 1 sites')).toBeVisible();
    await expect(page.getByRole('row', { name: /Green Thumb Gardening/ })).toBeVisible();
    await expect(page.getByRole('row', { name: /Urban Cycling Co/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Add site' })).toHaveCount(0);

    await page.goto('/settings/users');
    await expect(page.getByRole('heading', { name: 'You don’t have access to user settings' })).toBeVisible();
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the menu button opens the navigation drawer and nothing scrolls sideways', async ({ page, request }) => {
    const owner = uniquePerson('phone');
    await registerInBrowser(page, owner);
    await createSiteViaApi(request, owner, 'Pocket Gardens With A Rather Long Site Name');

    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Welcome, Phone' })).toBeVisible();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await expect(mainNav(page)).toBeHidden();

    const menuButton = page.getByRole('button', { name: 'Open navigation menu' });
    await menuButton.click();
    const drawer = page.getByRole('dialog', { name: 'Navigation' });
    await expect(drawer).toBeVisible();
    await expect(drawer.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
    await expect(drawer.getByRole('link', { name: /Keywords/ })).toBeVisible();
    await page.screenshot({ path: '/tmp/igny8-phone-drawer.png' });

    // Escape closes it and gives focus back to the menu button.
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(menuButton).toBeFocused();

    await menuButton.click();
    await drawer.getByRole('link', { name: 'Sites' }).click();
    await expect(page).toHaveURL(/\/settings\/sites$/);
    await expect(drawer).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Sites', exact: true })).toBeVisible();
    await expect(page.getByRole('main').getByText('Pocket Gardens With A Rather Long Site Name')).toBeVisible();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: '/tmp/igny8-phone-sites.png', fullPage: true });
  });
});

test.describe('with the keyboard only', () => {
  test('Tab reaches the skip link and the sign-in fields, and Enter signs in', async ({ page }) => {
    const person = uniquePerson('keys');
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

    await page.goto('/signin');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Email')).toBeFocused();
    await expect(page.getByLabel('Email')).toHaveCSS('outline-style', 'solid');
    await page.keyboard.type(person.email);
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Password')).toBeFocused();
    await page.keyboard.type(person.password);
    await page.keyboard.press('Enter');

    await expect(page).toHaveURL(new RegExp(`localhost:${E2E_PORT}/$`));
    await expect(page.getByRole('heading', { name: 'Welcome, Keys' })).toBeVisible();
  });

  test('a wrong password is reported without leaving the form', async ({ page }) => {
    await page.goto('/signin');
    await page.getByLabel('Email').fill('nobody@e2e.igny8.test');
    await page.getByLabel('Password').fill('not-the-password-1');
    await page.getByLabel('Password').press('Enter');
    await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
    await expect(page).toHaveURL(/\/signin$/);
  });
});

test.describe('appearance', () => {
  test('dark mode follows the toggle and survives a reload', async ({ page }) => {
    const person = uniquePerson('dark');
    await registerInBrowser(page, person);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Welcome, Dark' })).toBeVisible();
    await expect(page.locator('html')).not.toHaveClass(/dark/);

    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Welcome, Dark' })).toBeVisible();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await expect(page.getByRole('button', { name: 'Switch to light mode' })).toBeVisible();
    await page.screenshot({ path: '/tmp/igny8-dark-dashboard.png', fullPage: true });
  });
});
