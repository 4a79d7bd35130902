/**
 * Author profiles: the voice an article is written in (tone, language, structure). Account-wide
 * rows, read by every member; content generation picks one per task (resolveAuthorProfile).
 */
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { authorProfiles } from '../../core/schema/shard';
import type {
  AuthorProfileListQuery,
  CreateAuthorProfileBody,
  UpdateAuthorProfileBody,
} from '../../core/validation/author-profiles';
import { runBatch } from '../db/batch';
import type { ShardDb } from '../db/shards';
import { Conflict, NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import type { Tenant } from '../middleware/tenant';
import { clearIdeaAuthorStatement } from '../planner/ideas-service';
import { likePattern } from '../planner/scope';
import { clearSiteDefaultAuthorStatement } from '../sites/service';

export type AuthorProfileRow = typeof authorProfiles.$inferSelect;

export async function listAuthorProfiles(tenant: Tenant, q: AuthorProfileListQuery) {
  const where = and(
    eq(authorProfiles.account_id, tenant.account.id),
    q.is_active === undefined ? undefined : eq(authorProfiles.is_active, q.is_active),
    q.search ? sql`${authorProfiles.name} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  );
  const order = orderingOf(
    q.ordering,
    { name: authorProfiles.name, created_at: authorProfiles.created_at, id: authorProfiles.id },
    'name',
    authorProfiles.id,
  );
  return pageOf(tenant.db, authorProfiles, where, order, q);
}

/** One profile of the account, or a 404 (another account's id is simply not found). */
export async function getAuthorProfile(tenant: Tenant, id: number) {
  const row = await tenant.db
    .select()
    .from(authorProfiles)
    .where(and(eq(authorProfiles.account_id, tenant.account.id), eq(authorProfiles.id, id)))
    .get();
  if (!row) throw new NotFound('Author profile');
  return row;
}

/** Names are unique per account (case-insensitive), so a select shows each author once. */
async function requireFreeName(tenant: Tenant, name: string, exceptId?: number) {
  const clash = await tenant.db
    .select({ id: authorProfiles.id })
    .from(authorProfiles)
    .where(
      and(
        eq(authorProfiles.account_id, tenant.account.id),
        sql`lower(${authorProfiles.name}) = lower(${name})`,
        exceptId ? ne(authorProfiles.id, exceptId) : undefined,
      ),
    )
    .get();
  if (clash) {
    throw new Conflict('An author profile with this name already exists.', 'duplicate', {
      name: ['Already used by another author profile.'],
    });
  }
}

export async function createAuthorProfile(tenant: Tenant, input: CreateAuthorProfileBody) {
  await requireFreeName(tenant, input.name);
  const [row] = await tenant.db
    .insert(authorProfiles)
    .values({ ...input, account_id: tenant.account.id })
    .returning();
  return row!;
}

export async function updateAuthorProfile(tenant: Tenant, id: number, input: UpdateAuthorProfileBody) {
  await getAuthorProfile(tenant, id);
  if (input.name !== undefined) await requireFreeName(tenant, input.name, id);
  const [row] = await tenant.db
    .update(authorProfiles)
    .set(input)
    .where(and(eq(authorProfiles.account_id, tenant.account.id), eq(authorProfiles.id, id)))
    .returning();
  return row!;
}

/**
 * Deletes a profile. Whatever pointed at it falls back in the same D1 batch: sites' default author,
 * tasks and ideas set to null (a task then resolves through its idea, then its site's default).
 */
export async function deleteAuthorProfile(tenant: Tenant, id: number) {
  await getAuthorProfile(tenant, id);
  const a = tenant.account.id;
  await runBatch(tenant.db, [
    clearSiteDefaultAuthorStatement(tenant.db, a, id),
    clearIdeaAuthorStatement(tenant.db, a, id),
    sql`UPDATE tasks SET author_profile_id = NULL WHERE account_id = ${a} AND author_profile_id = ${id}`,
    tenant.db.delete(authorProfiles).where(and(eq(authorProfiles.account_id, a), eq(authorProfiles.id, id))),
  ]);
}

export type AuthorSource = 'task' | 'idea' | 'site' | 'none';
export interface AuthorChoice {
  /** In order of precedence: the task's own choice, its idea's, its site's default. */
  task: number | null;
  idea: number | null;
  site: number | null;
}
export interface ResolvedAuthor {
  profile: AuthorProfileRow | null;
  source: AuthorSource;
}

/**
 * The profile each task is written as: task → idea → site default → none. A missing, inactive or
 * foreign profile is skipped (the next one in line is used), never an error: a profile switched off
 * after the task was made must not block writing. One query for every candidate of every task.
 */
export async function resolveAuthorProfiles(
  db: ShardDb,
  accountId: number,
  choices: AuthorChoice[],
): Promise<ResolvedAuthor[]> {
  const ids = [...new Set(choices.flatMap((c) => [c.task, c.idea, c.site]).filter((v): v is number => v != null))];
  const active = new Map<number, AuthorProfileRow>();
  for (let at = 0; at < ids.length; at += 90) {
    const rows = await db
      .select()
      .from(authorProfiles)
      .where(
        and(
          eq(authorProfiles.account_id, accountId),
          eq(authorProfiles.is_active, true),
          inArray(authorProfiles.id, ids.slice(at, at + 90)),
        ),
      )
      .all();
    for (const r of rows) active.set(r.id, r);
  }
  return choices.map((c) => {
    for (const source of ['task', 'idea', 'site'] as const) {
      const id = c[source];
      const profile = id == null ? undefined : active.get(id);
      if (profile) return { profile, source };
    }
    return { profile: null, source: 'none' as const };
  });
}
