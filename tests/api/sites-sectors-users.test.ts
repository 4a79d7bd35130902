import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createSite, signup, uniqueEmail, type Session } from '../helpers/api';
import { createSector, expectError } from '../helpers/fixtures';

/** Behaviour of sites, sectors, users and site access within one account (trial plan: 3 sites, 5 users). */
const V = '/api/v1/auth';
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('sites', () => {
  let owner: Session;
  let editor: Session;
  let alpha: number, beta: number, gamma: number;
  const list = (qs = '', s = owner) => call('GET', `${V}/sites/${qs}`, { token: s.token });

  beforeAll(async () => {
    owner = await signup('sites');
    alpha = (
      await call('POST', `${V}/sites/`, { token: owner.token, body: { name: 'Alpha Garden', domain: 'alpha.example' } })
    ).body.data.id;
    beta = (
      await call('POST', `${V}/sites/`, { token: owner.token, body: { name: 'Beta 100% Tech', status: 'inactive' } })
    ).body.data.id;
    gamma = (await createSite(owner, 'Gamma Garden')).id;
    editor = await addMember(owner, 'editor');
  });

  it('creates, reads, changes and deletes a site', async () => {
    const got = await call('GET', `${V}/sites/${alpha}/`, { token: owner.token });
    expect(got.body.data).toMatchObject({
      id: alpha,
      account_id: owner.accountId,
      name: 'Alpha Garden',
      slug: 'alpha-garden',
      domain: 'alpha.example',
      status: 'active',
    });
    expect(got.body.data).not.toHaveProperty('wp_app_password_enc');
    const patched = await call('PATCH', `${V}/sites/${alpha}/`, {
      token: owner.token,
      body: { description: 'Vegetables', domain: null },
    });
    expect(patched.body.data).toMatchObject({ description: 'Vegetables', domain: null });
    expect((await call('GET', `${V}/sites/${alpha}/`, { token: owner.token })).body.data.description).toBe(
      'Vegetables',
    );
  });

  it('pages with count, next, previous and results (page_size=1)', async () => {
    const p1 = await list('?page_size=1');
    expect(p1.body).toMatchObject({ success: true, count: 3, previous: null });
    expect(p1.body.results).toHaveLength(1);
    expect(new URL(p1.body.next).searchParams.get('page')).toBe('2');
    expect(new URL(p1.body.next).searchParams.get('page_size')).toBe('1');
    const p2 = await call('GET', new URL(p1.body.next).pathname + new URL(p1.body.next).search, { token: owner.token });
    expect(new URL(p2.body.previous).searchParams.get('page')).toBe('1');
    const p3 = await list('?page_size=1&page=3');
    expect(p3.body.next).toBeNull();
    const seen = [p1, p2, p3].flatMap((p) => ids(p.body.results));
    expect(seen.sort()).toEqual([alpha, beta, gamma].sort());
    const past = await list('?page_size=1&page=9');
    expect(past.body.results).toEqual([]);
    expect(past.body.count).toBe(3);
  });

  it('filters by status and search (LIKE wildcards are literal), orders by -name', async () => {
    expect(ids((await list('?status=inactive')).body.results)).toEqual([beta]);
    expect(ids((await list('?status=active&ordering=name')).body.results)).toEqual([alpha, gamma]);
    expect(ids((await list('?search=garden&ordering=-name')).body.results)).toEqual([gamma, alpha]);
    expect(ids((await list(`?search=${encodeURIComponent('100%')}`)).body.results)).toEqual([beta]);
    expect(ids((await list(`?search=${encodeURIComponent('%')}`)).body.results)).toEqual([beta]);
    expect(ids((await list(`?search=_`)).body.results)).toEqual([]);
    expect(ids((await list('?ordering=-name')).body.results)).toEqual([gamma, beta, alpha]);
  });

  it('the plan limit: a 4th site → 400 limit_reached naming the plan; deleting one frees the slot', async () => {
    const fourth = await call('POST', `${V}/sites/`, { token: owner.token, body: { name: 'Delta' } });
    expectError(fourth, 400, 'limit_reached');
    expect(fourth.body.error).toContain('Trial');
    expect(fourth.body.error).toContain('3');
    const temp = beta;
    expect((await call('DELETE', `${V}/sites/${temp}/`, { token: owner.token })).status).toBe(200);
    expectError(await call('GET', `${V}/sites/${temp}/`, { token: owner.token }), 404, 'not_found');
    expect(ids((await list()).body.results)).not.toContain(temp);
    const again = await call('POST', `${V}/sites/`, { token: owner.token, body: { name: 'Delta' } });
    expect(again.status).toBe(201);
    beta = again.body.data.id;
  });

  it('granting and revoking site access changes what an editor sees in /sites/ and /me', async () => {
    const seen = async () => ({
      list: ids((await list('', editor)).body.results),
      me: ids((await call('GET', `${V}/me/`, { token: editor.token })).body.data.sites),
    });
    expect(await seen()).toEqual({ list: [], me: [] });
    expectError(await call('GET', `${V}/sites/${gamma}/`, { token: editor.token }), 404, 'not_found');

    const grant = await call('POST', `${V}/site-access/`, {
      token: owner.token,
      body: { user_id: editor.userId, site_id: gamma },
    });
    expect(grant.status).toBe(201);
    expect(await seen()).toEqual({ list: [gamma], me: [gamma] });
    expect((await call('GET', `${V}/sites/${gamma}/`, { token: editor.token })).status).toBe(200);
    // Visible is not manageable: editors don't change sites.
    expectError(
      await call('PATCH', `${V}/sites/${gamma}/`, { token: editor.token, body: { name: 'Mine now' } }),
      403,
      'permission_denied',
    );

    expect((await call('DELETE', `${V}/site-access/${grant.body.data.id}/`, { token: owner.token })).status).toBe(200);
    expect(await seen()).toEqual({ list: [], me: [] });
    expectError(await call('GET', `${V}/sites/${gamma}/`, { token: editor.token }), 404, 'not_found');
  });
});

describe('sectors: at most 5 active per site', () => {
  let owner: Session;
  let site: number;
  let templates: number[];
  const active = async () =>
    (await call('GET', `${V}/sectors/?site_id=${site}&status=active`, { token: owner.token })).body.count as number;
  const fromTemplates = (industry_sector_ids: number[]) =>
    call('POST', `${V}/sectors/from_templates/`, { token: owner.token, body: { site_id: site, industry_sector_ids } });

  beforeAll(async () => {
    owner = await signup('sectors');
    site = (await createSite(owner, 'Sector Site')).id;
    const industries = await call('GET', `${V}/industries/`);
    expect(industries.status).toBe(200);
    const withSectors = industries.body.data.find((i: { sectors: unknown[] }) => i.sectors.length >= 4);
    templates = ids(withSectors.sectors);
  });

  it('industries come seeded with their sector templates', async () => {
    const industries = (await call('GET', `${V}/industries/`)).body.data;
    expect(industries.length).toBeGreaterThanOrEqual(3);
    for (const i of industries) {
      expect(i.sectors.length).toBeGreaterThan(0);
      for (const s of i.sectors)
        expect(s).toMatchObject({ industry_id: i.id, name: expect.any(String), slug: expect.any(String) });
    }
  });

  it('pages through sectors', async () => {
    for (const name of ['One', 'Two', 'Three', 'Four']) await createSector(owner, site, name);
    const p1 = await call('GET', `${V}/sectors/?site_id=${site}&page_size=3&ordering=name`, { token: owner.token });
    expect(p1.body).toMatchObject({ count: 4, previous: null });
    expect(p1.body.results.map((s: { name: string }) => s.name)).toEqual(['Four', 'One', 'Three']);
    const p2 = await call('GET', `${V}/sectors/?site_id=${site}&page_size=3&ordering=name&page=2`, {
      token: owner.token,
    });
    expect(p2.body.results.map((s: { name: string }) => s.name)).toEqual(['Two']);
    expect(p2.body.next).toBeNull();
  });

  it('adding several from templates is all or nothing: 4 + 2 → 400 and still 4', async () => {
    expect(await active()).toBe(4);
    const res = await fromTemplates(templates.slice(0, 2));
    expectError(res, 400, 'limit_reached');
    expect(res.body.error).toMatch(/at most 5 active sectors/);
    expect(await active()).toBe(4);
    expectError(await fromTemplates([999_999]), 400, 'validation_error');
  });

  it('the 6th active sector → 400 limit_reached naming the limit 5; inactive ones do not count', async () => {
    expect(
      (
        await call('POST', `${V}/sectors/`, {
          token: owner.token,
          body: { site_id: site, industry_sector_id: templates[0] },
        })
      ).status,
    ).toBe(201);
    expect(await active()).toBe(5);
    const sixth = await call('POST', `${V}/sectors/`, { token: owner.token, body: { site_id: site, name: 'Six' } });
    expectError(sixth, 400, 'limit_reached');
    expect(sixth.body.error).toContain('5');
    const parked = await call('POST', `${V}/sectors/`, {
      token: owner.token,
      body: { site_id: site, name: 'Parked', status: 'inactive' },
    });
    expect(parked.status).toBe(201);
    expect(await active()).toBe(5);
  });

  it('deactivating one makes room; re-activating past the limit → 400', async () => {
    const all = (await call('GET', `${V}/sectors/?site_id=${site}&ordering=name`, { token: owner.token })).body.results;
    const one = all.find((s: { name: string }) => s.name === 'One');
    const parked = all.find((s: { name: string }) => s.name === 'Parked');
    expect(
      (await call('PATCH', `${V}/sectors/${one.id}/`, { token: owner.token, body: { status: 'inactive' } })).status,
    ).toBe(200);
    expect(await active()).toBe(4);
    expect((await fromTemplates([templates[1]!])).status).toBe(201);
    expect(await active()).toBe(5);
    for (const s of [one, parked]) {
      const res = await call('PATCH', `${V}/sectors/${s.id}/`, { token: owner.token, body: { status: 'active' } });
      expectError(res, 400, 'limit_reached');
    }
    expect(await active()).toBe(5);
    // Renaming an active sector is not "activating" it.
    expect(
      (await call('PATCH', `${V}/sectors/${all[0].id}/`, { token: owner.token, body: { name: 'Renamed' } })).status,
    ).toBe(200);
  });
});

describe('users', () => {
  let owner: Session, admin: Session, editor: Session, viewer: Session;
  const patch = (s: Session, id: number, body: object) => call('PATCH', `${V}/users/${id}/`, { token: s.token, body });
  const invite = (body: object) =>
    call('POST', `${V}/users/`, { token: owner.token, body: { email: uniqueEmail('more'), role: 'viewer', ...body } });

  beforeAll(async () => {
    owner = await signup('users');
    admin = await addMember(owner, 'admin');
    editor = await addMember(owner, 'editor');
    viewer = await addMember(owner, 'viewer');
  });

  it('pages and orders users', async () => {
    const p1 = await call('GET', `${V}/users/?page_size=3&ordering=-email`, { token: admin.token });
    expect(p1.body.count).toBe(4);
    const emails = [owner, admin, editor, viewer]
      .map((s) => s.email)
      .sort()
      .reverse();
    const p2 = await call('GET', `${V}/users/?page_size=3&ordering=-email&page=2`, { token: admin.token });
    expect([...p1.body.results, ...p2.body.results].map((u: { email: string }) => u.email)).toEqual(emails);
    for (const u of p1.body.results) expect(u).not.toHaveProperty('password_hash');
  });

  it('admins cannot touch the owner; nobody changes their own role or status; own name is fine', async () => {
    expectError(await patch(admin, owner.userId, { role: 'viewer' }), 403);
    expectError(await patch(admin, owner.userId, { name: 'Demoted' }), 403);
    expectError(await call('DELETE', `${V}/users/${owner.userId}/`, { token: admin.token }), 403);
    expectError(await patch(owner, owner.userId, { role: 'admin' }), 403, 'self_change');
    expectError(await patch(admin, admin.userId, { role: 'editor' }), 403, 'self_change');
    expectError(await patch(admin, admin.userId, { status: 'disabled' }), 403, 'self_change');
    expectError(await call('DELETE', `${V}/users/${admin.userId}/`, { token: admin.token }), 403, 'self_change');
    expectError(await patch(admin, editor.userId, { role: 'owner' }), 400, 'validation_error');
    expect((await patch(owner, owner.userId, { name: 'The Owner' })).status).toBe(200);
    expect((await patch(admin, admin.userId, { name: 'The Admin' })).status).toBe(200);
    expectError(await patch(editor, viewer.userId, { role: 'editor' }), 403, 'permission_denied');
  });

  it(
    'a role change refuses existing tokens at once; a refreshed token has ' +
      'the new role; promotion to admin drops site grants',
    async () => {
      // What the web app does on token_revoked: refresh, and carry on under the new role.
      const renew = async () => {
        expectError(await call('GET', `${V}/me/`, { token: editor.token }), 401, 'token_revoked');
        const res = await call('POST', `${V}/token/refresh/`, { body: { refresh: editor.refresh } });
        Object.assign(editor, { token: res.body.data.access, refresh: res.body.data.refresh });
      };
      const site = await createSite(owner, 'Users Site');
      await call('POST', `${V}/site-access/`, {
        token: owner.token,
        body: { user_id: editor.userId, site_id: site.id },
      });
      expect((await patch(admin, editor.userId, { role: 'viewer' })).body.data.role).toBe('viewer');
      await renew();
      expect((await call('GET', `${V}/me/`, { token: editor.token })).body.data.permissions['data:write']).toBe(false);
      expect((await patch(owner, editor.userId, { role: 'admin' })).body.data.role).toBe('admin');
      await renew();
      const grants = await call('GET', `${V}/site-access/?user_id=${editor.userId}`, { token: owner.token });
      expect(grants.body.count).toBe(0);
      expect((await call('GET', `${V}/users/`, { token: editor.token })).status).toBe(200);
      expect((await patch(owner, editor.userId, { role: 'editor' })).body.data.role).toBe('editor');
      await renew();
      expectError(await call('GET', `${V}/users/`, { token: editor.token }), 403, 'permission_denied');
    },
  );

  it('the plan allows 5 users (pending invites count, disabled users do not), also when re-enabling', async () => {
    const fifth = await invite({});
    expect(fifth.status).toBe(201);
    const sixth = await invite({});
    expectError(sixth, 400, 'limit_reached');
    expect(sixth.body.error).toContain('Trial');
    expect(sixth.body.error).toContain('5');
    expect((await patch(owner, fifth.body.data.user.id, { status: 'disabled' })).status).toBe(200);
    const replacement = await invite({});
    expect(replacement.status).toBe(201);
    // Five users are active again: the disabled one can't come back past the limit.
    expectError(await patch(owner, fifth.body.data.user.id, { status: 'active' }), 400, 'limit_reached');
    expect((await call('DELETE', `${V}/users/${replacement.body.data.user.id}/`, { token: owner.token })).status).toBe(
      200,
    );
    expect((await patch(owner, fifth.body.data.user.id, { status: 'active' })).status).toBe(200);
    expect((await call('DELETE', `${V}/users/${fifth.body.data.user.id}/`, { token: owner.token })).status).toBe(200);
  });

  it('removing a user revokes their sessions and their site grants', async () => {
    const site = await createSite(owner, 'Removal Site');
    await call('POST', `${V}/site-access/`, { token: owner.token, body: { user_id: viewer.userId, site_id: site.id } });
    expect((await call('DELETE', `${V}/users/${viewer.userId}/`, { token: admin.token })).status).toBe(200);
    expectError(await call('GET', `${V}/me/`, { token: viewer.token }), 401, 'user_inactive');
    expectError(
      await call('POST', `${V}/token/refresh/`, { body: { refresh: viewer.refresh } }),
      401,
      'refresh_revoked',
    );
    expectError(await call('GET', `${V}/users/${viewer.userId}/`, { token: owner.token }), 404, 'not_found');
    const grants = await call('GET', `${V}/site-access/?site_id=${site.id}`, { token: owner.token });
    expect(grants.body.count).toBe(0);
  });

  it('disabling a user signs them out too', async () => {
    expect((await patch(owner, editor.userId, { status: 'disabled' })).status).toBe(200);
    expectError(await call('GET', `${V}/me/`, { token: editor.token }), 401, 'user_inactive');
    expectError(
      await call('POST', `${V}/token/refresh/`, { body: { refresh: editor.refresh } }),
      401,
      'refresh_revoked',
    );
  });
});
