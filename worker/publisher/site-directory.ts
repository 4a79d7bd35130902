/**
 * The site directory (control DB, owned by the publisher): which account's site a public slug or a
 * custom hostname names, and which deployed version of it is live. It lives in the control DB
 * because a visitor's request names no account: the slug/hostname is all the server has, and the
 * tenant's shard is found from here. `live_version` is the one pointer a deploy or a rollback flips
 * (one UPDATE), so a reader sees the old site or the new one, never a mix.
 */
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { slugify } from '../../core/validation/common';
import { siteDirectory } from '../../core/schema/control';
import { controlDb } from '../db/shards';
import type { Env } from '../env';
import { Conflict } from '../http/errors';

export type SiteDirectoryRow = typeof siteDirectory.$inferSelect;

/** How many numbered slugs ("green-thumb-2", …) are tried before a random suffix. */
const NUMBERED_SLUGS = 20;

export async function directoryOfSite(env: Env, accountId: number, siteId: number): Promise<SiteDirectoryRow | null> {
  const row = await controlDb(env)
    .select()
    .from(siteDirectory)
    .where(and(eq(siteDirectory.account_id, accountId), eq(siteDirectory.site_id, siteId)))
    .get();
  return row ?? null;
}

export async function directoryBySlug(env: Env, slug: string): Promise<SiteDirectoryRow | null> {
  return (await controlDb(env).select().from(siteDirectory).where(eq(siteDirectory.slug, slug)).get()) ?? null;
}

export async function directoryByHostname(env: Env, hostname: string): Promise<SiteDirectoryRow | null> {
  const row = await controlDb(env).select().from(siteDirectory).where(eq(siteDirectory.hostname, hostname)).get();
  return row ?? null;
}

/**
 * The site's directory row, created on its first deploy with a public slug unique across every
 * account: the site's own slug, else slug-2, slug-3… (INSERT OR IGNORE, then read back: two first
 * deploys racing for one slug both end with a row, one of them numbered).
 */
export async function ensureSiteDirectory(
  env: Env,
  site: { accountId: number; siteId: number; shard: string; slug: string },
): Promise<SiteDirectoryRow> {
  const existing = await directoryOfSite(env, site.accountId, site.siteId);
  if (existing) return existing;
  const base = slugify(site.slug).slice(0, 60);
  const candidates = [base, ...Array.from({ length: NUMBERED_SLUGS - 1 }, (_, i) => `${base}-${i + 2}`)];
  candidates.push(`${base}-${crypto.randomUUID().slice(0, 8)}`);
  const db = controlDb(env);
  for (const slug of candidates) {
    await db
      .insert(siteDirectory)
      .values({ slug, account_id: site.accountId, site_id: site.siteId, shard: site.shard, updated_at: new Date() })
      .onConflictDoNothing();
    const row = await directoryOfSite(env, site.accountId, site.siteId);
    if (row) return row;
  }
  throw new Error(`No free public slug for site ${site.siteId}`);
}

/** Sets or clears the site's custom hostname: 409 when another site has it. */
export async function setSiteHostname(
  env: Env,
  site: { accountId: number; siteId: number; shard: string; slug: string },
  hostname: string | null,
): Promise<SiteDirectoryRow> {
  await ensureSiteDirectory(env, site);
  if (hostname) {
    const holder = await directoryByHostname(env, hostname);
    if (holder && !(holder.account_id === site.accountId && holder.site_id === site.siteId))
      throw new Conflict(`${hostname} is already used by another site.`, 'hostname_taken');
  }
  try {
    await controlDb(env)
      .update(siteDirectory)
      .set({ hostname, updated_at: new Date() })
      .where(and(eq(siteDirectory.account_id, site.accountId), eq(siteDirectory.site_id, site.siteId)));
  } catch (err) {
    // The unique index settles a race between two sites claiming the hostname at once.
    if (/UNIQUE/i.test(String((err as Error)?.message ?? err)))
      throw new Conflict(`${hostname} is already used by another site.`, 'hostname_taken');
    throw err;
  }
  forgetDirectory(site.accountId, site.siteId);
  return (await directoryOfSite(env, site.accountId, site.siteId))!;
}

/**
 * Makes `version` the live one: THE moment a deploy or a rollback changes the public site, in one
 * UPDATE. `onlyIfLive` (a rollback) makes it a compare-and-set: it lands only while the version it
 * read is still live, so two rollbacks or a rollback and a deploy can't interleave unnoticed.
 */
export async function flipLiveVersion(
  env: Env,
  target: { accountId: number; siteId: number; version: number; deploymentId: number },
  onlyIfLive?: number | null,
): Promise<boolean> {
  const guard =
    onlyIfLive === undefined
      ? undefined
      : onlyIfLive === null
        ? sql`${siteDirectory.live_version} IS NULL`
        : eq(siteDirectory.live_version, onlyIfLive);
  const result = await controlDb(env)
    .update(siteDirectory)
    .set({ live_version: target.version, live_deployment_id: target.deploymentId, updated_at: new Date() })
    .where(and(eq(siteDirectory.account_id, target.accountId), eq(siteDirectory.site_id, target.siteId), guard))
    .run();
  forgetDirectory(target.accountId, target.siteId);
  return (result.meta?.changes ?? 0) > 0;
}

/**
 * Isolate-local invalidation hook: the serving cache (worker/site-serving) registers here so a
 * flip or a hostname change made by THIS isolate is seen by it at once. Other isolates see it when
 * their short TTL runs out (see worker/site-serving/directory-cache.ts).
 */
const listeners = new Set<(accountId: number, siteId: number) => void>();
export function onDirectoryChange(listener: (accountId: number, siteId: number) => void) {
  listeners.add(listener);
}
function forgetDirectory(accountId: number, siteId: number) {
  for (const listener of listeners) listener(accountId, siteId);
}

/** One site of a moving account: its id on the old shard, on the new one, and its live deployment's new id. */
export interface MovedSite {
  oldId: number;
  newId: number;
  liveDeploymentId: number | null;
}

/**
 * The directory half of an account move's switch (worker/admin/move), for the move's one control batch:
 * every site of the account points at the new shard under its new id. Ids are negated first so a new id
 * that equals another site's old id never trips site_directory_site_idx halfway through.
 */
export function moveSiteDirectoryStatements(
  env: Pick<Env, 'DB_CONTROL'>,
  accountId: number,
  move: { from: string; to: string },
  sites: MovedSite[],
  /** A condition every statement also needs (the caller's lease), checked as the batch reaches it. */
  onlyIf?: SQL,
) {
  const control = controlDb(env as Env);
  const now = new Date();
  const shard = move.to;
  return [
    // Guarded by the old shard: a switch replayed after it landed negates nothing.
    control
      .update(siteDirectory)
      .set({ site_id: sql`-${siteDirectory.site_id}` })
      .where(and(eq(siteDirectory.account_id, accountId), eq(siteDirectory.shard, move.from), onlyIf)),
    ...sites.map((s) =>
      control
        .update(siteDirectory)
        .set({ site_id: s.newId, shard, live_deployment_id: s.liveDeploymentId, updated_at: now })
        .where(and(eq(siteDirectory.account_id, accountId), eq(siteDirectory.site_id, -s.oldId), onlyIf)),
    ),
  ];
}

/** After a move's switch: this isolate's serving cache forgets the account's old and new site ids. */
export function forgetMovedSites(accountId: number, sites: MovedSite[]) {
  for (const s of sites) {
    forgetDirectory(accountId, s.oldId);
    forgetDirectory(accountId, s.newId);
  }
}
