import { beforeAll, describe, expect, it } from 'vitest';
import { call, signup, type Session } from '../helpers/api';
import { expectError, MISSING_ID, ownersOnOneShard, populateAccount, type AccountFx } from '../helpers/fixtures';
import { seedKeywords } from '../helpers/planner';

/**
 * Every scoped resource answers the same way (worker/http/scoped-resource.ts): bulk delete in one
 * call, all or nothing; ids of another account or of a site the user can't see are 404 and delete
 * nothing; viewers never write; sites and sectors need an owner or admin; the list envelope is the
 * seed's.
 */
const P = '/api/v1/planner';
const AUTH = '/api/v1/auth';
let A: AccountFx;
let B: AccountFx;
let n = 0;

const owner = () => A.members.owner;
const cluster = async (s: Session, place: { id: number; sectorId: number }) => {
  const res = await call('POST', `${P}/clusters/`, {
    token: s.token,
    body: { site_id: place.id, sector_id: place.sectorId, name: `cluster ${++n}` },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as number;
};
const exists = async (s: Session, path: string) => (await call('GET', path, { token: s.token })).status === 200;

beforeAll(async () => {
  // On ONE shard: only account_id tells their rows apart, so a foreign id is a real row's id.
  const { pair } = await ownersOnOneShard('scoped');
  A = await populateAccount(pair[0], 'scoped-a');
  B = await populateAccount(pair[1], 'scoped-b');
});

describe('bulk delete, one call per selection', () => {
  it('deletes clusters in one request; their keywords stay, unclustered', async () => {
    const ids = [await cluster(owner(), A.granted), await cluster(owner(), A.granted)];
    const [kw] = await seedKeywords(owner(), { siteId: A.granted.id, sectorId: A.granted.sectorId }, [`member ${++n}`]);
    expect(
      (
        await call('POST', `${P}/clusters/${ids[0]}/add_keywords/`, {
          token: owner().token,
          body: { keyword_ids: [kw] },
        })
      ).status,
    ).toBe(200);
    const res = await call('POST', `${P}/clusters/bulk_delete/`, { token: owner().token, body: { ids } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ deleted: 2 });
    for (const id of ids) expect(await exists(owner(), `${P}/clusters/${id}/`)).toBe(false);
    const keyword = await call('GET', `${P}/keywords/${kw}/`, { token: owner().token });
    expect(keyword.body.data).toMatchObject({ cluster_id: null, status: 'pending' });
  });

  it('an id of another account makes the whole selection 404 and deletes nothing', async () => {
    const mine = await cluster(owner(), A.granted);
    const theirs = await cluster(B.members.owner, B.granted);
    const res = await call('POST', `${P}/clusters/bulk_delete/`, {
      token: owner().token,
      body: { ids: [mine, theirs] },
    });
    expectError(res, 404, 'not_found');
    expect(await exists(owner(), `${P}/clusters/${mine}/`)).toBe(true);
    expect(await exists(B.members.owner, `${P}/clusters/${theirs}/`)).toBe(true);
    expectError(
      await call('POST', `${P}/clusters/bulk_delete/`, { token: owner().token, body: { ids: [MISSING_ID] } }),
      404,
    );
  });

  it('an editor can not touch rows of an ungranted site (404), a viewer can not delete at all (403)', async () => {
    const ungranted = await cluster(owner(), A.ungranted);
    const granted = await cluster(owner(), A.granted);
    expectError(
      await call('POST', `${P}/clusters/bulk_delete/`, { token: A.members.editor.token, body: { ids: [ungranted] } }),
      404,
    );
    expectError(
      await call('POST', `${P}/clusters/bulk_delete/`, { token: A.members.viewer.token, body: { ids: [granted] } }),
      403,
    );
    expect(await exists(owner(), `${P}/clusters/${ungranted}/`)).toBe(true);
    expect(await exists(owner(), `${P}/clusters/${granted}/`)).toBe(true);
    const res = await call('POST', `${P}/clusters/bulk_delete/`, {
      token: A.members.editor.token,
      body: { ids: [granted] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('a selection spanning two sites is refused (400 mixed_sites), as for keywords', async () => {
    const ids = [await cluster(owner(), A.granted), await cluster(owner(), A.ungranted)];
    expectError(
      await call('POST', `${P}/clusters/bulk_delete/`, { token: owner().token, body: { ids } }),
      400,
      'mixed_sites',
    );
  });

  it('deletes sectors and everything under them in one request; only owners and admins may', async () => {
    const sectors = [];
    for (const name of [`bulk sector ${++n}`, `bulk sector ${++n}`]) {
      const res = await call('POST', `${AUTH}/sectors/`, {
        token: owner().token,
        body: { site_id: A.ungranted.id, name, status: 'inactive' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      sectors.push(res.body.data.id as number);
    }
    const [kw] = await seedKeywords(owner(), { siteId: A.ungranted.id, sectorId: sectors[0]! }, [
      `under sector ${++n}`,
    ]);
    expectError(
      await call('POST', `${AUTH}/sectors/bulk_delete/`, { token: A.members.editor.token, body: { ids: sectors } }),
      404,
    );
    const res = await call('POST', `${AUTH}/sectors/bulk_delete/`, {
      token: A.members.admin.token,
      body: { ids: sectors },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ deleted: 2 });
    for (const id of sectors) expect(await exists(owner(), `${AUTH}/sectors/${id}/`)).toBe(false);
    expect(await exists(owner(), `${P}/keywords/${kw}/`)).toBe(false);
  });

  it('deletes sites in one request: they leave every list and free their plan slots', async () => {
    const owner2 = await signup('scoped-sites');
    const made = [];
    for (const name of ['one', 'two']) {
      made.push(
        (await call('POST', `${AUTH}/sites/`, { token: owner2.token, body: { name: `bulk ${name}` } })).body.data
          .id as number,
      );
    }
    const res = await call('POST', `${AUTH}/sites/bulk_delete/`, { token: owner2.token, body: { ids: made } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const list = await call('GET', `${AUTH}/sites/`, { token: owner2.token });
    expect(list.body.results.map((s: { id: number }) => s.id)).not.toEqual(expect.arrayContaining([made[0]]));
    expect((await call('POST', `${AUTH}/sites/`, { token: owner2.token, body: { name: 'bulk one' } })).status).toBe(
      201,
    );
    expectError(await call('POST', `${AUTH}/sites/bulk_delete/`, { token: owner2.token, body: { ids: made } }), 404);
  });

  it('deletes images in one request', async () => {
    expectError(
      await call('POST', '/api/v1/writer/images/bulk_delete/', { token: owner().token, body: { ids: [MISSING_ID] } }),
      404,
    );
    expectError(
      await call('POST', '/api/v1/writer/images/bulk_delete/', { token: owner().token, body: { ids: [] } }),
      400,
    );
  });
});

describe('lists keep the seed envelope', () => {
  it('count, next, previous and results; an unseen ?site_id= is 404, not an empty page', async () => {
    const place = { siteId: A.granted.id, sectorId: A.granted.sectorId };
    await seedKeywords(owner(), place, [`page a ${++n}`, `page b ${n}`, `page c ${n}`]);
    const res = await call('GET', `${P}/keywords/?site_id=${place.siteId}&page_size=2&ordering=-volume`, {
      token: owner().token,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, previous: null });
    expect(res.body.count).toBeGreaterThanOrEqual(3);
    expect(res.body.results).toHaveLength(2);
    expect(res.body.next).toContain('page=2');
    expect(res.body.results[0]).toHaveProperty('cluster_name');
    expectError(await call('GET', `${P}/keywords/?site_id=${MISSING_ID}`, { token: owner().token }), 404);
    expectError(await call('GET', `${P}/keywords/?site_id=${B.granted.id}`, { token: owner().token }), 404);
    expectError(await call('GET', `${P}/keywords/?site_id=${A.ungranted.id}`, { token: A.members.editor.token }), 404);
    expectError(await call('GET', `${P}/keywords/?ordering=constructor`, { token: owner().token }), 400);
  });
});
