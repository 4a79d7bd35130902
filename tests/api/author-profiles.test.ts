import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createSite, type Session } from '../helpers/api';
import { ownersOnOneShard } from '../helpers/fixtures';

const BASE = '/api/v1/system/author-profiles/';

async function profile(s: Session, body: Record<string, unknown>) {
  const res = await call('POST', BASE, { token: s.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: number; name: string; tone: string; language: string; is_active: boolean };
}

/** Author profiles: CRUD, who may change them, tenancy, and what happens to their users when one is deleted. */
describe('author profiles API', () => {
  let owner: Session;
  let editor: Session;
  let viewer: Session;
  let other: Session;
  let siteId: number;
  let sectorId: number;

  beforeAll(async () => {
    // One shard for both: only account_id tells their rows apart (ids can't differ by shard).
    [owner, other] = (await ownersOnOneShard('authors')).pair;
    siteId = (await createSite(owner, 'Authors Site')).id;
    sectorId = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
    ).body.data.id;
    editor = await addMember(owner, 'editor', [siteId]);
    viewer = await addMember(owner, 'viewer', [siteId]);
  });

  it('creates, lists (search, is_active), reads, edits and normalizes the language', async () => {
    const ada = await profile(owner, {
      name: 'Ada Lane',
      description: 'Horticulturist',
      tone: 'authoritative',
      language: 'en-gb',
      structure_template: { intro_style: 'a question', use_tables: true, closing: 'faq' },
    });
    expect(ada).toMatchObject({ tone: 'authoritative', language: 'en-GB', is_active: true });
    await profile(owner, { name: 'Bo Quiet', tone: 'dry, witty', is_active: false });
    const list = await call('GET', `${BASE}?search=ada`, { token: viewer.token });
    expect(list.status).toBe(200);
    expect(list.body.results.map((p: { name: string }) => p.name)).toEqual(['Ada Lane']);
    const inactive = await call('GET', `${BASE}?is_active=false`, { token: owner.token });
    expect(inactive.body.results.map((p: { name: string }) => p.name)).toEqual(['Bo Quiet']);
    const patched = await call('PATCH', `${BASE}${ada.id}/`, { token: owner.token, body: { tone: 'friendly' } });
    expect(patched.status).toBe(200);
    expect((await call('GET', `${BASE}${ada.id}/`, { token: editor.token })).body.data.tone).toBe('friendly');
  });

  it('refuses bad input and a duplicate name (409, case-insensitive)', async () => {
    await profile(owner, { name: 'Unique Name' });
    const dup = await call('POST', BASE, { token: owner.token, body: { name: 'unique name' } });
    expect(dup.status).toBe(409);
    for (const body of [
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'T', tone: '<script>' },
      { name: 'T', tone: 'x'.repeat(61) },
      { name: 'T', language: 'english please' },
      { name: 'T', structure_template: { closing: 'poem' } },
      { name: 'T', structure_template: { unknown_field: 1 } },
    ]) {
      const res = await call('POST', BASE, { token: owner.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('lets any member read but only settings:manage change (editor and viewer 403)', async () => {
    const p = await profile(owner, { name: 'Guarded' });
    for (const s of [editor, viewer]) {
      expect((await call('GET', `${BASE}${p.id}/`, { token: s.token })).status).toBe(200);
      expect((await call('POST', BASE, { token: s.token, body: { name: 'Nope' } })).status).toBe(403);
      expect((await call('PATCH', `${BASE}${p.id}/`, { token: s.token, body: { name: 'Nope' } })).status).toBe(403);
      expect((await call('DELETE', `${BASE}${p.id}/`, { token: s.token })).status).toBe(403);
    }
    const admin = await addMember(owner, 'admin');
    expect((await call('PATCH', `${BASE}${p.id}/`, { token: admin.token, body: { name: 'Kept' } })).status).toBe(200);
  });

  it("answers 404 for another account's profile, and never lets a task, idea or site point at it", async () => {
    const foreign = await profile(other, { name: 'Foreign' });
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      expect((await call(method, `${BASE}${foreign.id}/`, { token: owner.token, body })).status).toBe(404);
    }
    expect(
      (await call('GET', BASE, { token: owner.token })).body.results.map((p: { id: number }) => p.id),
    ).not.toContain(foreign.id);
    const task = await call('POST', '/api/v1/writer/tasks/', {
      token: owner.token,
      body: { site_id: siteId, sector_id: sectorId, title: 'T', author_profile_id: foreign.id },
    });
    expect(task.status).toBe(404);
    const idea = await call('POST', '/api/v1/planner/ideas/', {
      token: owner.token,
      body: { site_id: siteId, sector_id: sectorId, idea_title: 'I', author_profile_id: foreign.id },
    });
    expect(idea.status).toBe(404);
    const site = await call('PATCH', `/api/v1/auth/sites/${siteId}/`, {
      token: owner.token,
      body: { default_author_profile_id: foreign.id },
    });
    expect(site.status).toBe(400);
  });

  it('sets a site default only to an active profile, and only with settings:manage', async () => {
    const off = await profile(owner, { name: 'Switched Off', is_active: false });
    const on = await profile(owner, { name: 'Site Voice' });
    const path = `/api/v1/auth/sites/${siteId}/`;
    expect(
      (await call('PATCH', path, { token: owner.token, body: { default_author_profile_id: off.id } })).status,
    ).toBe(400);
    expect(
      (await call('PATCH', path, { token: editor.token, body: { default_author_profile_id: on.id } })).status,
    ).toBe(403);
    const ok = await call('PATCH', path, { token: owner.token, body: { default_author_profile_id: on.id } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.default_author_profile_id).toBe(on.id);
    const cleared = await call('PATCH', path, { token: owner.token, body: { default_author_profile_id: null } });
    expect(cleared.body.data.default_author_profile_id).toBeNull();
  });

  it('deleting a profile in use makes the site default, tasks and ideas fall back (set to none)', async () => {
    const p = await profile(owner, { name: 'Soon Gone' });
    await call('PATCH', `/api/v1/auth/sites/${siteId}/`, {
      token: owner.token,
      body: { default_author_profile_id: p.id },
    });
    const idea = (
      await call('POST', '/api/v1/planner/ideas/', {
        token: owner.token,
        body: { site_id: siteId, sector_id: sectorId, idea_title: 'Uses the profile', author_profile_id: p.id },
      })
    ).body.data;
    const task = (
      await call('POST', '/api/v1/writer/tasks/', {
        token: owner.token,
        body: { site_id: siteId, sector_id: sectorId, title: 'Uses the profile', author_profile_id: p.id },
      })
    ).body.data;
    expect(idea.author_profile_id).toBe(p.id);
    expect(task.author_profile_id).toBe(p.id);
    const del = await call('DELETE', `${BASE}${p.id}/`, { token: owner.token });
    expect(del.status).toBe(200);
    expect((await call('GET', `${BASE}${p.id}/`, { token: owner.token })).status).toBe(404);
    const site = (await call('GET', `/api/v1/auth/sites/${siteId}/`, { token: owner.token })).body.data;
    expect(site.default_author_profile_id).toBeNull();
    expect(
      (await call('GET', `/api/v1/planner/ideas/${idea.id}/`, { token: owner.token })).body.data.author_profile_id,
    ).toBeNull();
    expect(
      (await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data.author_profile_id,
    ).toBeNull();
  });
});
