import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { PromptType, PromptVersionSource } from '../../core/domain/enums';
import { users } from '../../core/schema/control';
import { aiPrompts, aiPromptVersions } from '../../core/schema/shard';
import { runBatch } from '../db/batch';
import type { ControlDb, ShardDb } from '../db/shards';
import { NotFound } from '../http/errors';
import { DEFAULT_PROMPTS } from './prompts';

interface SaveInput {
  accountId: number;
  type: PromptType;
  /** The new live text; for a reset, the built-in default (the account's own row is removed). */
  value: string;
  source: PromptVersionSource;
  userId: number;
  restoredFrom?: number | null;
}

/**
 * Saves the live prompt and its new version in ONE D1 batch (a transaction): the version number is
 * computed inside the batch (MAX + 1), so two saves at the same moment get consecutive numbers, and
 * the unique (account, type, version) index refuses a duplicate should that ever change.
 */
export async function savePromptVersion(db: ShardDb, input: SaveInput): Promise<number> {
  const now = new Date();
  const live =
    input.source === 'reset'
      ? db
          .delete(aiPrompts)
          .where(and(eq(aiPrompts.account_id, input.accountId), eq(aiPrompts.prompt_type, input.type)))
      : db
          .insert(aiPrompts)
          .values({ account_id: input.accountId, prompt_type: input.type, prompt_value: input.value })
          .onConflictDoUpdate({
            target: [aiPrompts.account_id, aiPrompts.prompt_type],
            set: { prompt_value: input.value, updated_at: now },
          });
  const version = sql`INSERT INTO ai_prompt_versions
      (account_id, prompt_type, version, prompt_value, source, restored_from, created_by_user_id, created_at)
    SELECT ${input.accountId}, ${input.type}, COALESCE(MAX(version), 0) + 1, ${input.value}, ${input.source},
           ${input.restoredFrom ?? null}, ${input.userId}, ${now.getTime()}
    FROM ai_prompt_versions WHERE account_id = ${input.accountId} AND prompt_type = ${input.type}
    RETURNING version`;
  const results = (await runBatch(db, [live, version])) as { results?: { version: number }[] }[];
  return results[1]?.results?.[0]?.version ?? 0;
}

const versionColumns = {
  id: aiPromptVersions.id,
  prompt_type: aiPromptVersions.prompt_type,
  version: aiPromptVersions.version,
  source: aiPromptVersions.source,
  restored_from: aiPromptVersions.restored_from,
  created_by_user_id: aiPromptVersions.created_by_user_id,
  created_at: aiPromptVersions.created_at,
};

/** Who made each version, by name (users live in the control database, versions on the shard). */
async function withAuthors<T extends { created_by_user_id: number | null }>(control: ControlDb, rows: T[]) {
  const ids = [...new Set(rows.map((r) => r.created_by_user_id).filter((id): id is number => id !== null))];
  const people = ids.length
    ? await control
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(inArray(users.id, ids))
        .all()
    : [];
  const nameOf = new Map(people.map((p) => [p.id, p.name || p.email]));
  return rows.map((r) => ({
    ...r,
    author_name: r.created_by_user_id ? (nameOf.get(r.created_by_user_id) ?? null) : null,
  }));
}

export async function listPromptVersions(
  db: ShardDb,
  control: ControlDb,
  accountId: number,
  type: PromptType,
  pageNumber: number,
  pageSize: number,
) {
  const where = and(eq(aiPromptVersions.account_id, accountId), eq(aiPromptVersions.prompt_type, type));
  const [rows, total] = await Promise.all([
    db
      .select(versionColumns)
      .from(aiPromptVersions)
      .where(where)
      .orderBy(desc(aiPromptVersions.version))
      .limit(pageSize)
      .offset((pageNumber - 1) * pageSize)
      .all(),
    db.select({ n: sql<number>`count(*)` }).from(aiPromptVersions).where(where).get(),
  ]);
  return { results: await withAuthors(control, rows), count: total?.n ?? 0 };
}

export async function getPromptVersion(
  db: ShardDb,
  control: ControlDb,
  accountId: number,
  type: PromptType,
  version: number,
) {
  const row = await db
    .select({ ...versionColumns, prompt_value: aiPromptVersions.prompt_value })
    .from(aiPromptVersions)
    .where(
      and(
        eq(aiPromptVersions.account_id, accountId),
        eq(aiPromptVersions.prompt_type, type),
        eq(aiPromptVersions.version, version),
      ),
    )
    .get();
  if (!row) throw new NotFound('Prompt version');
  return (await withAuthors(control, [row]))[0]!;
}

/** The live text of a prompt: the account's own, else the built-in default. */
export async function livePrompt(db: ShardDb, accountId: number, type: PromptType) {
  const own = await db
    .select({ prompt_value: aiPrompts.prompt_value })
    .from(aiPrompts)
    .where(and(eq(aiPrompts.account_id, accountId), eq(aiPrompts.prompt_type, type)))
    .get();
  return own?.prompt_value ?? DEFAULT_PROMPTS[type];
}
