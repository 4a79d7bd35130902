import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createSite, type Session, signup } from '../helpers/api';
import { createSector, expectError } from '../helpers/fixtures';

/**
 * Reads take the user and account from a per-isolate cache for a few seconds (issue 10, item 8;
 * worker/middleware/identity-cache.ts). A revocation made through the app still refuses the very
 * next request of a user whose identity was just cached, and a write always reads afresh.
 */
const P = '/api/v1/planner';
let owner: Session;
let site: { id: number };
let sectorId: number;

beforeAll(async () => {
  owner = await signup('identity-cache');
  site = await createSite(owner, 'Cached site');
  sectorId = (await createSector(owner, site.id, 'Main')).id;
  for (const [keyword, volume] of [
    ['low', 10],
    ['high', 900],
    ['mid', 300],
  ] as const) {
    const res = await call('POST', `${P}/keywords/`, {
      token: owner.token,
      body: { site_id: site.id, sector_id: sectorId, keyword, volume },
    });
    expect(res.status).toBe(201);
  }
});

const list = (s: Session) => call('GET', `${P}/keywords/?site_id=${site.id}&page_size=2`, { token: s.token });
const changeMember = (s: Session, body: Record<string, unknown>) =>
  call('PATCH', `/api/v1/auth/users/${s.userId}/`, { token: owner.token, body });

describe('identity cache', () => {
  it('serves the same list to a cached reader, ordered by volume (the default) and counted', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await list(owner);
      expect(res.status).toBe(200);
      expect(res.body.count).toBe(3);
      expect(res.body.results.map((k: { keyword: string }) => k.keyword)).toEqual(['high', 'mid']);
    }
  });

  it('a member read a moment ago and then disabled is refused at once', async () => {
    const editor = await addMember(owner, 'editor', [site.id]);
    expect((await list(editor)).status).toBe(200);
    expect((await changeMember(editor, { status: 'disabled' })).status).toBe(200);
    expectError(await list(editor), 401, 'user_inactive');
  });

  it('a member read a moment ago and then demoted is refused at once (token_revoked)', async () => {
    const editor = await addMember(owner, 'editor', [site.id]);
    expect((await list(editor)).status).toBe(200);
    expect((await changeMember(editor, { role: 'viewer' })).status).toBe(200);
    expectError(await list(editor), 401, 'token_revoked');
  });

  it('a member read a moment ago and then removed is refused at once', async () => {
    const viewer = await addMember(owner, 'viewer', [site.id]);
    expect((await list(viewer)).status).toBe(200);
    expect((await call('DELETE', `/api/v1/auth/users/${viewer.userId}/`, { token: owner.token })).status).toBe(200);
    expectError(await list(viewer), 401, 'user_inactive');
  });

  it('an editor granted one site still gets 404 for another site of the account while cached', async () => {
    const other = await createSite(owner, 'Ungranted site');
    const editor = await addMember(owner, 'editor', [site.id]);
    expect((await list(editor)).status).toBe(200);
    const res = await call('GET', `${P}/keywords/?site_id=${other.id}`, { token: editor.token });
    expectError(res, 404);
  });

  it('a write reads afresh: an account suspended straight in the database refuses the next write', async () => {
    const own = await signup('identity-suspended');
    const ownSite = await createSite(own, 'Soon suspended');
    const read = () => call('GET', `${P}/keywords/?site_id=${ownSite.id}`, { token: own.token });
    expect((await read()).status).toBe(200);
    await env.DB_CONTROL.prepare("UPDATE accounts SET status = 'suspended' WHERE id = ?").bind(own.accountId).run();
    const write = await call('POST', '/api/v1/auth/sites/', { token: own.token, body: { name: 'Another' } });
    expectError(write, 403, 'account_inactive');
  });
});
