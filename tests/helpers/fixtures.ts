import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { SHARD_BINDINGS, type ShardName } from '../../worker/db/shards';
import { addMember, call, createSite, signup, type Res, type Session } from './api';

/**
 * Shared fixtures for the API suites: a fully populated account (owner, admin, editor, viewer; two
 * sites with a sector each; editor and viewer granted only the first site), direct reads of the
 * control and shard databases, and the envelope checks every response must pass.
 */
export type MemberRole = 'owner' | 'admin' | 'editor' | 'viewer';
export const MEMBER_ROLES: MemberRole[] = ['owner', 'admin', 'editor', 'viewer'];

export interface SiteFx {
  id: number;
  sectorId: number;
}

export interface AccountFx {
  label: string;
  accountId: number;
  shard: ShardName;
  members: Record<MemberRole, Session>;
  /** Site 1: the editor and the viewer are granted it. */
  granted: SiteFx;
  /** Site 2: only the owner and the admin see it. */
  ungranted: SiteFx;
  /** The SiteUserAccess rows of the editor and the viewer on the granted site. */
  grantIds: { editor: number; viewer: number };
}

/** A shard binding by name, for reading tenant rows underneath the API. */
export const shardBinding = (shard: ShardName): D1Database => (env as unknown as Record<ShardName, D1Database>)[shard];

export async function shardOf(accountId: number): Promise<ShardName> {
  const row = await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
    .bind(accountId)
    .first<{ shard: string }>();
  if (!row || !(SHARD_BINDINGS as readonly string[]).includes(row.shard))
    throw new Error(`account ${accountId} has no shard`);
  return row.shard as ShardName;
}

/**
 * Signs up owners until two accounts share a shard (placement hashes a random slug, so this
 * usually takes 2–4 signups; five always suffice with four shards). Returns that pair and every
 * other owner created on the way.
 */
export async function ownersOnOneShard(label: string): Promise<{ pair: [Session, Session]; others: Session[] }> {
  const owners: { s: Session; shard: ShardName }[] = [];
  for (let i = 0; i <= SHARD_BINDINGS.length; i++) {
    const s = await signup(`${label}${i}`, `${label} account ${i}`);
    const shard = await shardOf(s.accountId);
    const twin = owners.find((o) => o.shard === shard);
    if (twin) return { pair: [twin.s, s], others: owners.filter((o) => o !== twin).map((o) => o.s) };
    owners.push({ s, shard });
  }
  throw new Error('pigeonhole: five accounts on four shards must share one');
}

export async function createSector(
  s: Session,
  siteId: number,
  name: string,
): Promise<{ id: number; site_id: number; name: string }> {
  const res = await call('POST', '/api/v1/auth/sectors/', { token: s.token, body: { site_id: siteId, name } });
  if (res.status !== 201) throw new Error(`sector failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** Two sites with a sector each, then an admin, and an editor and a viewer granted site 1 only. */
export async function populateAccount(owner: Session, label: string): Promise<AccountFx> {
  const sites: SiteFx[] = [];
  for (const n of [1, 2]) {
    const site = await createSite(owner, `${label} site ${n}`);
    const sector = await createSector(owner, site.id, `${label} sector ${n}`);
    sites.push({ id: site.id, sectorId: sector.id });
  }
  const [granted, ungranted] = sites as [SiteFx, SiteFx];
  const admin = await addMember(owner, 'admin');
  const editor = await addMember(owner, 'editor', [granted.id]);
  const viewer = await addMember(owner, 'viewer', [granted.id]);
  const grants = await call('GET', `/api/v1/auth/site-access/?site_id=${granted.id}`, { token: owner.token });
  const grantOf = (userId: number) =>
    grants.body.results.find((g: { user_id: number }) => g.user_id === userId)?.id as number;
  return {
    label,
    accountId: owner.accountId,
    shard: await shardOf(owner.accountId),
    members: { owner, admin, editor, viewer },
    granted,
    ungranted,
    grantIds: { editor: grantOf(editor.userId), viewer: grantOf(viewer.userId) },
  };
}

/** Every `account_id` anywhere in a JSON value. */
export function accountIdsIn(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) accountIdsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'account_id') out.push(v);
      else accountIdsIn(v, out);
    }
  }
  return out;
}

/** What is wrong with a response's envelope (empty: nothing). */
export function envelopeProblems(res: Res): string[] {
  const b = res.body;
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`server error ${res.status}`);
  if (!b || typeof b !== 'object') return [...problems, `body is not JSON: ${String(b).slice(0, 80)}`];
  if (typeof b.request_id !== 'string' || !b.request_id) problems.push('no request_id');
  if (res.status >= 400) {
    if (b.success !== false) problems.push('error without success:false');
    if (typeof b.error !== 'string' || !b.error) problems.push('error without a message');
    if (typeof b.code !== 'string' || !b.code) problems.push('error without a code');
  } else if (b.success !== true) problems.push('2xx without success:true');
  return problems;
}

/** Asserts the error envelope `{success:false, error, code, request_id}` with this status and code. */
export function expectError(res: Res, status: number, code?: string) {
  expect(envelopeProblems(res), JSON.stringify(res.body)).toEqual([]);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  if (code) expect(res.body.code).toBe(code);
}

/** An id no account has: it must be answered exactly like another account's id. */
export const MISSING_ID = 987_654_321;

/** Every id a list route shows for a query, over all its pages (what a table counts as "all N matching"). */
export async function listAllIds(s: Session, path: string, filter: Record<string, string | number>) {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const qs = new URLSearchParams({ ...filter, page: String(page), page_size: '100' } as Record<string, string>);
    const res = await call('GET', `${path}/?${qs}`, { token: s.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.results.map((r: { id: number }) => r.id));
    if (!res.body.next) return ids.sort((x, y) => x - y);
  }
}
