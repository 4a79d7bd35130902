import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARD_BINDINGS } from '../../worker/db/shards';
import { call, createSite, signup, uniqueEmail, type Session } from '../helpers/api';
import {
  MEMBER_ROLES,
  MISSING_ID,
  createSector,
  ownersOnOneShard,
  populateAccount,
  shardBinding,
  shardOf,
  type AccountFx,
  type MemberRole,
  type SiteFx,
} from '../helpers/fixtures';
import { Matrix, manages, sameIds, type Case, type Scope, type Who } from '../helpers/matrix';

/**
 * THE isolation suite. Two accounts A and B on the SAME shard (only the account_id filter separates
 * their rows), each with owner, admin, editor, viewer; two sites with a sector each; editor and
 * viewer granted site 1. Every route × every identity × own granted / own ungranted / other
 * account's / missing ids, with the exact status each must get.
 */
const V = '/api/v1/auth';
const matrix = new Matrix();
let A: AccountFx;
let B: AccountFx;
let crossShardOwner: Session;
let templateId: number;
let n = 0;
const unique = (what: string) => `${what} ${++n}`;

beforeAll(async () => {
  const { pair, others } = await ownersOnOneShard('tenancy');
  A = await populateAccount(pair[0], 'A');
  B = await populateAccount(pair[1], 'B');
  crossShardOwner = others.length ? others[0]! : await signup('cross', 'cross-shard account');
  while ((await shardOf(crossShardOwner.accountId)) === A.shard)
    crossShardOwner = await signup('cross', 'cross-shard account');
  const industries = await call('GET', `${V}/industries/`);
  templateId = industries.body.data[0].sectors[0].id;
});

afterAll(() => {
  console.log(`tenancy cases tried: ${matrix.tried}`);
});

const identities = (): Who[] =>
  [A, B].flatMap((acct) =>
    MEMBER_ROLES.map((role) => ({
      label: `${acct.label}.${role}`,
      role,
      s: acct.members[role],
      acct,
      other: acct === A ? B : A,
    })),
  );

const asOwner = (w: Who) => w.acct.members.owner;
const del = (s: Session, path: string) => call('DELETE', path, { token: s.token });
const disposableSite = (w: Who) => createSite(asOwner(w), unique(`${w.label} disposable site`));

async function disposableUser(w: Who): Promise<number> {
  const res = await call('POST', `${V}/users/`, {
    token: asOwner(w).token,
    body: { email: uniqueEmail('disposable'), role: 'viewer' },
  });
  if (res.status !== 201) throw new Error(`disposable user: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.user.id;
}

/** A site's routes, for one identity and one target site. */
function siteCases(w: Who): Case[] {
  const m = manages(w.role);
  const targets: { name: string; scope: Scope; site: SiteFx; granted: boolean }[] = [
    { name: 'own granted site', scope: 'own', site: w.acct.granted, granted: true },
    { name: 'own ungranted site', scope: 'own', site: w.acct.ungranted, granted: false },
    { name: 'foreign granted site', scope: 'foreign', site: w.other.granted, granted: false },
    { name: 'foreign ungranted site', scope: 'foreign', site: w.other.ungranted, granted: false },
    { name: 'missing site', scope: 'missing', site: { id: MISSING_ID, sectorId: MISSING_ID }, granted: false },
  ];
  return targets.flatMap(({ name, scope, site, granted }) => {
    const visible = scope === 'own' && (m || granted);
    const manageStatus = !visible ? 404 : m ? 200 : 403;
    const c = (
      what: string,
      write: boolean,
      expectStatus: number,
      rest: Pick<Case, 'request'> & Partial<Case>,
    ): Case => ({
      who: w,
      what: `${what} [${name}]`,
      scope,
      write,
      expect: expectStatus,
      ...rest,
    });
    const owner = asOwner(w);
    return [
      c('GET site', false, visible ? 200 : 404, {
        request: () => call('GET', `${V}/sites/${site.id}/`, { token: w.s.token }),
        verify: (r) => (r.body.data.id === site.id ? undefined : 'wrong site'),
      }),
      c('PATCH site', true, manageStatus, {
        request: () =>
          call('PATCH', `${V}/sites/${site.id}/`, { token: w.s.token, body: { description: `touched by ${w.label}` } }),
      }),
      c('DELETE site', true, manageStatus, {
        request: async () => del(w.s, `${V}/sites/${visible && m ? (await disposableSite(w)).id : site.id}/`),
        verify: async (r) =>
          (await call('GET', `${V}/sites/${r.body.data.id}/`, { token: owner.token })).status === 404
            ? undefined
            : 'site still there',
      }),
      c('GET sector', false, visible ? 200 : 404, {
        request: () => call('GET', `${V}/sectors/${site.sectorId}/`, { token: w.s.token }),
        verify: (r) => (r.body.data.site_id === site.id ? undefined : 'wrong sector'),
      }),
      c('PATCH sector', true, manageStatus, {
        request: () =>
          call('PATCH', `${V}/sectors/${site.sectorId}/`, {
            token: w.s.token,
            body: { description: `touched by ${w.label}` },
          }),
      }),
      c('DELETE sector', true, manageStatus, {
        request: async () =>
          del(
            w.s,
            `${V}/sectors/` +
              `${visible && m ? (await createSector(owner, site.id, unique('disposable sector'))).id : site.sectorId}/`,
          ),
      }),
      c('POST sector', true, visible && m ? 201 : manageStatus, {
        request: () =>
          call('POST', `${V}/sectors/`, { token: w.s.token, body: { site_id: site.id, name: unique('new sector') } }),
        verify: (r) => (r.body.data.site_id === site.id ? undefined : 'sector on another site'),
        cleanup: async (r) => void expect((await del(owner, `${V}/sectors/${r.body.data.id}/`)).status).toBe(200),
      }),
      c('POST sectors from_templates', true, visible && m ? 201 : manageStatus, {
        request: () =>
          call('POST', `${V}/sectors/from_templates/`, {
            token: w.s.token,
            body: { site_id: site.id, industry_sector_ids: [templateId] },
          }),
        cleanup: async (r) => {
          for (const s of r.body.data) expect((await del(owner, `${V}/sectors/${s.id}/`)).status).toBe(200);
        },
      }),
      c('GET sectors?site_id', false, visible ? 200 : 404, {
        request: () => call('GET', `${V}/sectors/?site_id=${site.id}`, { token: w.s.token }),
        verify: (r) =>
          sameIds(
            r.body.results.map((s: { id: number }) => s.id),
            [site.sectorId],
          ),
      }),
      c('GET site-access?site_id', false, !m ? 403 : scope === 'own' ? 200 : 404, {
        request: () => call('GET', `${V}/site-access/?site_id=${site.id}`, { token: w.s.token }),
        verify: (r) =>
          sameIds(
            r.body.results.map((g: { id: number }) => g.id),
            scope === 'own' && granted ? Object.values(w.acct.grantIds) : [],
          ),
      }),
      c('POST site-access for own viewer', true, !m ? 403 : visible ? 201 : 404, {
        request: () =>
          call('POST', `${V}/site-access/`, {
            token: w.s.token,
            body: { user_id: w.acct.members.viewer.userId, site_id: site.id },
          }),
        cleanup: async (r) => {
          if (!granted) expect((await del(owner, `${V}/site-access/${r.body.data.id}/`)).status).toBe(200);
        },
      }),
      c('POST users (invite) with site_ids', true, !m ? 403 : scope === 'own' ? 201 : 400, {
        request: () =>
          call('POST', `${V}/users/`, {
            token: w.s.token,
            body: { email: uniqueEmail('inv'), role: 'viewer', site_ids: [site.id] },
          }),
        cleanup: async (r) => void expect((await del(owner, `${V}/users/${r.body.data.user.id}/`)).status).toBe(200),
      }),
    ];
  });
}

/** The user routes, for one identity against every user of both accounts. */
function userCases(w: Who): Case[] {
  const m = manages(w.role);
  const targets: { name: string; scope: Scope; id: number; role?: MemberRole; email?: string }[] = [
    ...MEMBER_ROLES.map((role) => ({
      name: `own ${role}`,
      scope: 'own' as Scope,
      id: w.acct.members[role].userId,
      role,
      email: w.acct.members[role].email,
    })),
    ...MEMBER_ROLES.map((role) => ({
      name: `foreign ${role}`,
      scope: 'foreign' as Scope,
      id: w.other.members[role].userId,
      role,
      email: w.other.members[role].email,
    })),
    { name: 'missing user', scope: 'missing', id: MISSING_ID },
  ];
  const owner = asOwner(w);
  const cases = targets.flatMap(({ name, scope, id, role, email }): Case[] => {
    const own = scope === 'own';
    const self = id === w.s.userId;
    const c = (
      what: string,
      write: boolean,
      expectStatus: number,
      rest: Pick<Case, 'request'> & Partial<Case>,
    ): Case => ({
      who: w,
      what: `${what} [${name}]`,
      scope,
      write,
      expect: expectStatus,
      ...rest,
    });
    const list: Case[] = [
      c('GET user', false, !m ? 403 : own ? 200 : 404, {
        request: () => call('GET', `${V}/users/${id}/`, { token: w.s.token }),
        verify: (r) => (r.body.data.id === id ? undefined : 'wrong user'),
      }),
      c('PATCH user name', true, !m ? 403 : !own ? 404 : w.role === 'admin' && role === 'owner' ? 403 : 200, {
        request: () =>
          call('PATCH', `${V}/users/${id}/`, { token: w.s.token, body: { name: `renamed by ${w.label}` } }),
      }),
      c('DELETE user', true, !m ? 403 : !own ? 404 : self || role === 'owner' ? 403 : 200, {
        request: async () =>
          del(w.s, `${V}/users/${m && own && !self && role !== 'owner' ? await disposableUser(w) : id}/`),
        verify: async (r) =>
          (await call('GET', `${V}/users/${r.body.data.id}/`, { token: owner.token })).status === 404
            ? undefined
            : 'user still there',
      }),
      c('POST user invite_link (active user)', true, !m ? 403 : own ? 400 : 404, {
        request: () => call('POST', `${V}/users/${id}/invite_link/`, { token: w.s.token }),
      }),
      c('POST site-access for user', true, !m ? 403 : !own ? 404 : role === 'editor' || role === 'viewer' ? 201 : 400, {
        request: () =>
          call('POST', `${V}/site-access/`, { token: w.s.token, body: { user_id: id, site_id: w.acct.granted.id } }),
      }),
      c('GET site-access?user_id', false, !m ? 403 : own ? 200 : 404, {
        request: () => call('GET', `${V}/site-access/?user_id=${id}`, { token: w.s.token }),
        verify: (r) =>
          sameIds(
            r.body.results.map((g: { id: number }) => g.id),
            own && (role === 'editor' || role === 'viewer') ? [w.acct.grantIds[role]] : [],
          ),
      }),
    ];
    if (email) {
      // A search term is not an id: another account's email simply matches nobody.
      list.push({
        ...c('GET users?search=email', false, m ? 200 : 403, {
          request: () => call('GET', `${V}/users/?search=${encodeURIComponent(email)}`, { token: w.s.token }),
          verify: (r) =>
            sameIds(
              r.body.results.map((u: { id: number }) => u.id),
              own ? [id] : [],
            ),
        }),
        scope: 'own',
      });
    }
    return list;
  });
  let pending = 0;
  cases.push({
    who: w,
    what: 'POST user invite_link [own pending user]',
    scope: 'own',
    write: true,
    expect: m ? 200 : 403,
    request: async () => {
      pending = m ? await disposableUser(w) : w.acct.members.viewer.userId;
      return call('POST', `${V}/users/${pending}/invite_link/`, { token: w.s.token });
    },
    cleanup: async () => void expect((await del(owner, `${V}/users/${pending}/`)).status).toBe(200),
  });
  return cases;
}

/** Revoking site grants: own (on a disposable grant), other account's, missing. */
function grantCases(w: Who): Case[] {
  const m = manages(w.role);
  const owner = asOwner(w);
  const targets: { name: string; scope: Scope; id: number }[] = [
    { name: 'own editor grant', scope: 'own', id: w.acct.grantIds.editor },
    { name: 'own viewer grant', scope: 'own', id: w.acct.grantIds.viewer },
    { name: 'foreign editor grant', scope: 'foreign', id: w.other.grantIds.editor },
    { name: 'foreign viewer grant', scope: 'foreign', id: w.other.grantIds.viewer },
    { name: 'missing grant', scope: 'missing', id: MISSING_ID },
  ];
  return targets.map(({ name, scope, id }) => ({
    who: w,
    what: `DELETE site-access [${name}]`,
    scope,
    write: true,
    expect: !m ? 403 : scope === 'own' ? 200 : 404,
    request: async () => {
      if (!(m && scope === 'own')) return del(w.s, `${V}/site-access/${id}/`);
      const grant = await call('POST', `${V}/site-access/`, {
        token: owner.token,
        body: { user_id: w.acct.members.editor.userId, site_id: w.acct.ungranted.id },
      });
      return del(w.s, `${V}/site-access/${grant.body.data.id}/`);
    },
  }));
}

/** Lists, /me, the account, creating sites, the own session, and X-Account-ID. */
function accountCases(w: Who): Case[] {
  const m = manages(w.role);
  const visibleSites = m ? [w.acct.granted, w.acct.ungranted] : [w.acct.granted];
  const c = (
    what: string,
    scope: Scope,
    write: boolean,
    expectStatus: number,
    rest: Pick<Case, 'request'> & Partial<Case>,
  ): Case => ({
    who: w,
    what,
    scope,
    write,
    expect: expectStatus,
    ...rest,
  });
  const asOther = { 'x-account-id': String(w.other.accountId) };
  return [
    c('GET me', 'own', false, 200, {
      request: () => call('GET', `${V}/me/`, { token: w.s.token }),
      verify: (r) =>
        r.body.data.account.id !== w.acct.accountId || r.body.data.user.id !== w.s.userId
          ? 'wrong identity'
          : sameIds(
              r.body.data.sites.map((s: { id: number }) => s.id),
              visibleSites.map((s) => s.id),
            ),
    }),
    c('GET account', 'own', false, 200, {
      request: () => call('GET', `${V}/account/`, { token: w.s.token }),
      verify: (r) => (r.body.data.id === w.acct.accountId ? undefined : 'wrong account'),
    }),
    c('PATCH account', 'own', true, w.role === 'owner' ? 200 : 403, {
      request: () => call('PATCH', `${V}/account/`, { token: w.s.token, body: { name: `${w.acct.label} renamed` } }),
      verify: (r) => (r.body.data.id === w.acct.accountId ? undefined : 'renamed another account'),
    }),
    c('GET sites', 'own', false, 200, {
      request: () => call('GET', `${V}/sites/`, { token: w.s.token }),
      verify: (r) =>
        sameIds(
          r.body.results.map((s: { id: number }) => s.id),
          visibleSites.map((s) => s.id),
        ),
    }),
    c('GET sectors', 'own', false, 200, {
      request: () => call('GET', `${V}/sectors/`, { token: w.s.token }),
      verify: (r) =>
        sameIds(
          r.body.results.map((s: { id: number }) => s.id),
          visibleSites.map((s) => s.sectorId),
        ),
    }),
    c('GET users', 'own', false, m ? 200 : 403, {
      request: () => call('GET', `${V}/users/`, { token: w.s.token }),
      verify: (r) =>
        sameIds(
          r.body.results.map((u: { id: number }) => u.id),
          MEMBER_ROLES.map((role) => w.acct.members[role].userId),
        ),
    }),
    c('GET site-access', 'own', false, m ? 200 : 403, {
      request: () => call('GET', `${V}/site-access/`, { token: w.s.token }),
      verify: (r) =>
        sameIds(
          r.body.results.map((g: { id: number }) => g.id),
          Object.values(w.acct.grantIds),
        ),
    }),
    c('POST site', 'own', true, m ? 201 : 403, {
      request: () => call('POST', `${V}/sites/`, { token: w.s.token, body: { name: unique(`${w.label} new site`) } }),
      cleanup: async (r) => void expect((await del(asOwner(w), `${V}/sites/${r.body.data.id}/`)).status).toBe(200),
    }),
    c('POST token/refresh (own session)', 'own', true, 200, {
      session: true,
      request: () => call('POST', `${V}/token/refresh/`, { body: { refresh: w.s.refresh } }),
      verify: (r) => {
        w.s.refresh = r.body.data.refresh;
        return r.body.data.refresh ? undefined : 'no new refresh token';
      },
    }),
    c('GET sites with X-Account-ID of own account', 'own', false, 200, {
      request: () =>
        call('GET', `${V}/sites/`, { token: w.s.token, headers: { 'x-account-id': String(w.acct.accountId) } }),
    }),
    c('GET sites with X-Account-ID of other account', 'foreign', false, 403, {
      request: () => call('GET', `${V}/sites/`, { token: w.s.token, headers: asOther }),
    }),
    c('GET me with X-Account-ID of other account', 'foreign', false, 403, {
      request: () => call('GET', `${V}/me/`, { token: w.s.token, headers: asOther }),
    }),
    c('GET foreign site with X-Account-ID of other account', 'foreign', false, 403, {
      request: () => call('GET', `${V}/sites/${w.other.granted.id}/`, { token: w.s.token, headers: asOther }),
    }),
    c('PATCH foreign site with X-Account-ID of other account', 'foreign', true, 403, {
      request: () =>
        call('PATCH', `${V}/sites/${w.other.granted.id}/`, {
          token: w.s.token,
          headers: asOther,
          body: { name: 'hijacked' },
        }),
    }),
    c('DELETE foreign sector with X-Account-ID of other account', 'foreign', true, 403, {
      request: () =>
        call('DELETE', `${V}/sectors/${w.other.granted.sectorId}/`, { token: w.s.token, headers: asOther }),
    }),
  ];
}

describe('every route × every identity × own, foreign and missing ids', () => {
  it('sites and sectors', async () => {
    await matrix.run(identities().flatMap(siteCases));
  });

  it('users', async () => {
    await matrix.run(identities().flatMap(userCases));
  });

  it('site grants', async () => {
    await matrix.run(identities().flatMap(grantCases));
  });

  it('lists, me, account, own session and X-Account-ID', async () => {
    await matrix.run(identities().flatMap(accountCases));
  });

  it('an account on another shard (where row ids can coincide) reaches none of them', async () => {
    const caller = { label: 'C.owner', role: 'owner' as const, acct: { accountId: crossShardOwner.accountId } };
    const get = (path: string): Case => ({
      who: caller,
      what: `GET ${path}`,
      scope: 'foreign',
      write: false,
      expect: 404,
      request: () => call('GET', `${V}${path}`, { token: crossShardOwner.token }),
    });
    const empty = (path: string): Case => ({
      who: caller,
      what: `GET ${path}`,
      scope: 'own',
      write: false,
      expect: 200,
      request: () => call('GET', `${V}${path}`, { token: crossShardOwner.token }),
      verify: (r) => (r.body.count === 0 ? undefined : `${r.body.count} rows`),
    });
    await matrix.run([
      ...[A, B]
        .flatMap((acct) => [acct.granted, acct.ungranted])
        .flatMap((site) => [
          get(`/sites/${site.id}/`),
          get(`/sectors/${site.sectorId}/`),
          get(`/sectors/?site_id=${site.id}`),
        ]),
      ...[A, B].flatMap((acct) => MEMBER_ROLES.map((role) => get(`/users/${acct.members[role].userId}/`))),
      empty('/sites/'),
      empty('/sectors/'),
      get(`/site-access/?site_id=${A.granted.id}`),
      get(`/site-access/?user_id=${A.members.editor.userId}`),
      empty(`/users/?search=${encodeURIComponent(A.members.owner.email)}`),
    ]);
  });

  it(`tried enough cases`, () => {
    expect(matrix.tried).toBeGreaterThan(800);
  });
});

describe('tenant rows on the shards', () => {
  it('A and B share one shard: only account_id keeps them apart', () => {
    expect(A.shard).toBe(B.shard);
  });

  it("every shard table has a NOT NULL account_id, and every row sits on its account's shard", async () => {
    const directory = await env.DB_CONTROL.prepare('SELECT account_id, shard FROM shard_directory').all<{
      account_id: number;
      shard: string;
    }>();
    const home = new Map(directory.results.map((d) => [d.account_id, d.shard]));
    const problems: string[] = [];
    let rowsSeen = 0;
    for (const shard of SHARD_BINDINGS) {
      const db = shardBinding(shard);
      const tables = await db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE " +
            "'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
        )
        .all<{ name: string }>();
      expect(tables.results.length).toBeGreaterThan(20);
      for (const { name } of tables.results) {
        const cols = await db
          .prepare('SELECT name, "notnull" AS required FROM pragma_table_info(?)')
          .bind(name)
          .all<{ name: string; required: number }>();
        if (!cols.results.some((c) => c.name === 'account_id' && c.required))
          problems.push(`${shard}.${name} has no NOT NULL account_id`);
        const owners = await db
          .prepare(`SELECT account_id, count(*) AS n FROM "${name}" GROUP BY account_id`)
          .all<{ account_id: number; n: number }>();
        for (const o of owners.results) {
          rowsSeen += o.n;
          if (home.get(o.account_id) !== shard)
            problems.push(
              `${shard}.${name} holds ${o.n} rows of account ${o.account_id} (home ${home.get(o.account_id)})`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(rowsSeen).toBeGreaterThan(10);
  });

  it('no write of the matrix landed in the other account, even behind a 404 (read underneath the API)', async () => {
    const db = shardBinding(A.shard);
    const problems: string[] = [];
    for (const acct of [A, B]) {
      const mine = new RegExp(`^(|touched by ${acct.label}\\.\\w+)$`);
      for (const table of ['sites', 'sectors']) {
        const rows = await db
          .prepare(`SELECT id, description FROM ${table} WHERE account_id = ?`)
          .bind(acct.accountId)
          .all<{ id: number; description: string }>();
        for (const r of rows.results)
          if (!mine.test(r.description)) problems.push(`${acct.label} ${table} ${r.id}: "${r.description}"`);
        if (!rows.results.some((r) => r.description))
          problems.push(`${acct.label} ${table}: the matrix changed nothing (vacuous check)`);
      }
      const users = await env.DB_CONTROL.prepare('SELECT id, name FROM users WHERE account_id = ?')
        .bind(acct.accountId)
        .all<{ id: number; name: string }>();
      for (const u of users.results)
        if (/renamed by/.test(u.name) && !u.name.startsWith(`renamed by ${acct.label}.`))
          problems.push(`${acct.label} user ${u.id}: "${u.name}"`);
      const account = await env.DB_CONTROL.prepare('SELECT name FROM accounts WHERE id = ?')
        .bind(acct.accountId)
        .first<{ name: string }>();
      if (account?.name !== `${acct.label} renamed`) problems.push(`${acct.label} account name "${account?.name}"`);
    }
    expect(problems).toEqual([]);
  });

  it(
    'the sites, sectors and grants made through the API carry their account, ' + 'and children match their parents',
    async () => {
      const db = shardBinding(A.shard);
      for (const acct of [A, B]) {
        const sites = await db
          .prepare('SELECT id FROM sites WHERE account_id = ? AND deleted_at IS NULL')
          .bind(acct.accountId)
          .all<{ id: number }>();
        expect(sites.results.map((s) => s.id).sort()).toEqual([acct.granted.id, acct.ungranted.id].sort());
        const sectors = await db
          .prepare('SELECT id, site_id FROM sectors WHERE account_id = ?')
          .bind(acct.accountId)
          .all<{ id: number; site_id: number }>();
        expect(sectors.results.map((s) => s.id).sort()).toEqual(
          [acct.granted.sectorId, acct.ungranted.sectorId].sort(),
        );
        const grants = await db
          .prepare('SELECT id FROM site_user_access WHERE account_id = ?')
          .bind(acct.accountId)
          .all<{ id: number }>();
        expect(grants.results.map((g) => g.id).sort()).toEqual(Object.values(acct.grantIds).sort());
      }
      for (const shard of SHARD_BINDINGS) {
        const s = shardBinding(shard);
        const mismatched = await s
          .prepare(
            `SELECT 'sector ' || c.id AS row FROM sectors c JOIN sites p ON p.id = c.site_id
             WHERE p.account_id != c.account_id
           UNION ALL SELECT 'grant ' || g.id FROM site_user_access g JOIN sites p ON p.id = g.site_id
             WHERE p.account_id != g.account_id
           UNION ALL SELECT 'orphan sector ' || c.id FROM sectors c
             WHERE NOT EXISTS (SELECT 1 FROM sites p WHERE p.id = c.site_id)`,
          )
          .all<{ row: string }>();
        expect(mismatched.results, shard).toEqual([]);
        const grants = await s
          .prepare('SELECT account_id, user_id FROM site_user_access')
          .all<{ account_id: number; user_id: number }>();
        for (const g of grants.results) {
          const user = await env.DB_CONTROL.prepare('SELECT account_id FROM users WHERE id = ?')
            .bind(g.user_id)
            .first<{ account_id: number }>();
          expect(user?.account_id, `grant of user ${g.user_id}`).toBe(g.account_id);
        }
      }
    },
  );

  it('a developer may act on another account with X-Account-ID; the header is checked', async () => {
    const dev = await signup('developer', 'developer account');
    await env.DB_CONTROL.prepare("UPDATE users SET role = 'developer' WHERE id = ?").bind(dev.userId).run();
    const asB = await call('GET', `${V}/sites/`, {
      token: dev.token,
      headers: { 'x-account-id': String(B.accountId) },
    });
    expect(asB.status).toBe(200);
    expect(asB.body.results.map((s: { id: number }) => s.id).sort()).toEqual([B.granted.id, B.ungranted.id].sort());
    expect(
      (await call('GET', `${V}/sites/`, { token: dev.token, headers: { 'x-account-id': String(MISSING_ID) } })).status,
    ).toBe(404);
    expect((await call('GET', `${V}/sites/`, { token: dev.token, headers: { 'x-account-id': 'abc' } })).status).toBe(
      400,
    );
    // The same header from B's owner is refused, whatever account it names.
    const owner = B.members.owner;
    for (const id of [A.accountId, MISSING_ID, dev.accountId]) {
      expect(
        (await call('GET', `${V}/sites/`, { token: owner.token, headers: { 'x-account-id': String(id) } })).status,
      ).toBe(403);
    }
  });
});
