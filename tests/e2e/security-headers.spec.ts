import { expect, test, type Page } from '@playwright/test';
import { apiCall, apiToken, registerInBrowser, uniquePerson } from './helpers';

/**
 * The app works under its Content-Security-Policy (issue 8, scope 7): a signed-in page, the live
 * editor (its sockets and typing) and Swagger UI at /api/docs load with no CSP violation, and
 * every document says it may not be framed.
 */

/** Records every CSP violation the page reports, from the event and from the console. */
async function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (load|execute|connect|apply|create)/i.test(msg.text()))
      violations.push(msg.text());
  });
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI}`,
      );
    });
  });
  return violations;
}

test('a signed-in page, the live editor and the API docs load with no CSP violation', async ({ page, request }) => {
  const violations = await watchCsp(page);
  const owner = uniquePerson('csp');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', {
    name: 'Policy Gardens',
    domain: 'policy.example',
  });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Herbs',
  });
  const content = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
    site_id: site.id,
    sector_id: sector.id,
    title: 'Basil on a windowsill',
  });

  // A signed-in page: SvelteKit's bootstrap and app.html's theme script run under the nonce.
  const dashboard = await page.goto('/planner/keywords');
  const csp = (await dashboard!.headerValue('content-security-policy')) ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(await dashboard!.headerValue('x-content-type-options')).toBe('nosniff');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // The editor: the draft socket connects and what is typed reaches the server's document.
  await page.goto(`/writer/content/${content.id}`);
  const editor = page.getByTestId('draft-editor');
  await expect(editor).toHaveAttribute('contenteditable', 'true');
  await editor.click();
  await page.keyboard.type('Pinch the tops weekly.');
  await expect
    .poll(
      async () =>
        (await apiCall<{ html: string }>(request, token, 'GET', `/api/v1/writer/content/${content.id}/draft/`)).html,
      { timeout: 15_000 },
    )
    .toContain('Pinch the tops weekly.');

  // Swagger UI renders the document from our own assets.
  const docs = await page.goto('/api/docs');
  expect(await docs!.headerValue('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  await expect(page.locator('.swagger-ui .information-container')).toBeVisible();
  await expect(page.locator('.opblock').first()).toBeVisible();

  expect(violations).toEqual([]);
});

test('the app refuses to be framed', async ({ page, baseURL }) => {
  const framed = page.waitForEvent('console', {
    predicate: (msg) => /frame-ancestors/.test(msg.text()),
    timeout: 10_000,
  });
  await page.setContent(`<iframe src="${baseURL}/signin"></iframe>`);
  await framed;
});
