import { expect, test } from '@playwright/test';
import { createSiteViaApi, mainNav, registerInBrowser, siteSwitcher, uniquePerson } from './helpers';

/**
 * The settings screens beyond day one, in a real browser: the plan's site limit, editing with
 * field errors from the shared schemas, confirmations, sector status, user roles, invite links
 * and site grants. Assertions are on what the owner sees.
 */

test.describe('settings an owner uses every week', () => {
  test('plan limit, edit and delete a site, sector status, role change, new link, grant and revoke', async ({
    page,
    request,
  }) => {
    const owner = uniquePerson('settings');
    await registerInBrowser(page, owner);
    for (const name of ['Alpha Blog', 'Beta Shop', 'Gamma News']) await createSiteViaApi(request, owner, name);

    // The trial plan allows three sites: a fourth is refused with the plan's own words.
    await page.goto('/settings/sites');
    await expect(page.getByText('3 of 3', { exact: true })).toBeVisible();
    await expect(page.getByText('You have used every site your plan allows.')).toBeVisible();
    await page.getByRole('button', { name: 'Add site', exact: true }).click();
    const add = page.getByRole('dialog', { name: 'Add a site' });
    await add.getByLabel('Site name').fill('Delta Reviews');
    await add.getByRole('button', { name: 'Add site' }).click();
    await expect(add.getByRole('alert')).toHaveText(
      'Your plan (Trial) allows 3 sites. Delete a site or upgrade the plan to add another.',
    );
    await add.getByRole('button', { name: 'Cancel' }).click();
    await expect(add).toBeHidden();

    // Edit, then delete with confirmation.
    await page.getByRole('button', { name: 'Edit: Beta Shop' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “Beta Shop”' });
    await edit.getByLabel('Site name').fill('Beta Store');
    await edit.getByLabel('Domain').fill('https://beta.example');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit.getByText('A domain such as example.com, without https:// or a path.')).toBeVisible();
    await edit.getByLabel('Domain').fill('beta.example');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toBeHidden();
    await expect(page.getByRole('row', { name: /Beta Store beta\.example/ })).toBeVisible();
    await expect(siteSwitcher(page).locator('option')).toHaveText(['Alpha Blog', 'Beta Store', 'Gamma News']);

    await page.getByRole('button', { name: 'Delete: Gamma News' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete site “Gamma News”?' });
    await confirm.getByRole('button', { name: 'Delete site' }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole('row', { name: /Gamma News/ })).toHaveCount(0);
    await expect(page.getByText('2 of 3', { exact: true })).toBeVisible();

    // A sector added by name, then deactivated: it no longer counts towards the five.
    await siteSwitcher(page).selectOption({ label: 'Alpha Blog' });
    await mainNav(page).getByRole('link', { name: 'Sectors' }).click();
    await page.getByRole('button', { name: 'Add by name' }).first().click();
    const byName = page.getByRole('dialog', { name: 'Add a sector to Alpha Blog' });
    await byName.getByLabel('Sector name').fill('Indoor Plants');
    await byName.getByRole('button', { name: 'Add sector' }).click();
    await expect(byName).toBeHidden();
    await expect(page.getByText('1 of 5 active', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Actions for Indoor Plants' }).click();
    await page.getByRole('menuitem', { name: 'Deactivate' }).click();
    await expect(page.getByText('“Indoor Plants” is now inactive.')).toBeVisible();
    await expect(page.getByRole('row', { name: /Indoor Plants/ })).toContainText('Inactive');
    await expect(page.getByText('0 of 5 active', { exact: true })).toBeVisible();

    // Invite a viewer, issue a fresh link, make them an editor.
    const viewer = uniquePerson('viewer');
    await mainNav(page).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Invite user' }).click();
    const invite = page.getByRole('dialog', { name: 'Invite a teammate' });
    await invite.getByLabel('Email').fill(viewer.email);
    await invite.getByLabel('Role').selectOption('viewer');
    // The site the owner works in comes preselected; this viewer starts without one (granted below).
    await expect(invite.getByRole('checkbox', { name: /Alpha Blog/ })).toBeChecked();
    await invite.getByRole('checkbox', { name: /Alpha Blog/ }).uncheck();
    await invite.getByRole('button', { name: 'Create invite link' }).click();
    const firstLink = page.getByRole('dialog', { name: `Invite link for ${viewer.email}` });
    const first = await firstLink.getByRole('textbox', { name: 'One-time invite link' }).inputValue();
    await firstLink.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: `Actions for ${viewer.email}` }).click();
    await page.getByRole('menuitem', { name: 'New invite link' }).click();
    const secondLink = page.getByRole('dialog', { name: `Invite link for ${viewer.email}` });
    await expect(secondLink.getByRole('textbox', { name: 'One-time invite link' })).toHaveValue(/\/invite\//);
    expect(await secondLink.getByRole('textbox', { name: 'One-time invite link' }).inputValue()).not.toBe(first);
    await secondLink.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: `Actions for ${viewer.email}` }).click();
    await page.getByRole('menuitem', { name: 'Change role' }).click();
    const role = page.getByRole('dialog', { name: `Change the role of ${viewer.email}` });
    await role.getByLabel('Role').selectOption('editor');
    await role.getByRole('button', { name: 'Change role' }).click();
    await expect(page.getByText(`${viewer.email} is now editor.`)).toBeVisible();
    await expect(page.getByRole('row', { name: new RegExp(viewer.email) })).toContainText('Editor');

    // Grant them a site, then revoke it.
    await mainNav(page).getByRole('link', { name: 'Site access' }).click();
    await expect(page.getByRole('heading', { name: 'No site access granted yet' })).toBeVisible();
    await page.getByRole('button', { name: 'Grant access' }).click();
    const grant = page.getByRole('dialog', { name: 'Grant site access' });
    await grant.getByLabel('Person').selectOption({ label: `${viewer.email} (editor)` });
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await expect(grant.getByText('Pick at least one site.')).toBeVisible();
    await grant.getByRole('checkbox', { name: /Beta Store/ }).check();
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await expect(page.getByText(`Granted 1 site to ${viewer.email}.`)).toBeVisible();
    const row = page.getByRole('row', { name: new RegExp(`${viewer.email}.*Beta Store`) });
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('dialog', { name: 'Revoke access?' }).getByRole('button', { name: 'Revoke access' }).click();
    await expect(page.getByRole('heading', { name: 'No site access granted yet' })).toBeVisible();
  });
});
