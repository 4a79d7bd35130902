import { sql } from 'drizzle-orm';
import { runBatch } from '../db/batch';
import { SHARD_BINDINGS, type ShardDb, shardDb } from '../db/shards';
import type { Env } from '../env';

/**
 * The scheduler fan-out bench's data (bench/scenarios/automation.mjs): `rules` due schedule rules on
 * one site, and before each round the previous round's starts removed and the rules due again.
 */
export async function resetDueRules(db: ShardDb, accountId: number, siteId: number, rules: number, dueAt: number) {
  const now = Date.now();
  const have = await db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM automation_rules WHERE account_id = ${accountId} AND site_id = ${siteId}`,
  );
  const missing = Math.max(0, rules - (have?.n ?? 0));
  await runBatch(db, [
    sql`DELETE FROM automation_runs WHERE account_id = ${accountId}`,
    sql`DELETE FROM scheduled_tasks WHERE account_id = ${accountId}`,
    sql`
      INSERT INTO automation_rules (account_id, site_id, name, trigger, schedule, timezone, config, is_active, status,
                                    next_run_at, created_at, updated_at)
      SELECT ${accountId}, ${siteId}, 'bench rule ' || value, 'schedule', '*/5 * * * *', 'UTC',
             '{"stages":["clustering"]}', 1, 'active', ${dueAt}, ${now}, ${now}
      FROM json_each(${JSON.stringify(Array.from({ length: missing }, (_, i) => i))})`,
    sql`UPDATE automation_rules SET next_run_at = ${dueAt} WHERE account_id = ${accountId} AND site_id = ${siteId}`,
  ]);
}

/** Queue producer that counts instead of sending: the bench times the dispatch, not 1,000 runs after it. */
export function countingQueue() {
  const counts = { messages: 0, calls: 0 };
  const queue = {
    send: async () => {
      counts.messages++;
      counts.calls++;
    },
    sendBatch: async (batch: unknown[]) => {
      counts.messages += batch.length;
      counts.calls++;
    },
  };
  return { counts, queue: queue as unknown as Queue<unknown> };
}

/**
 * The baseline: `perShard` scheduled_tasks rows inserted as plainly as D1 allows on each of the four
 * shards in parallel (multi-row INSERTs, 10 rows a statement, one batch a shard), after removing the
 * previous round's. The rows name no rule (automation_rule_id 0) and are deleted by the next round.
 */
export async function rawTaskInserts(env: Env, accountId: number, perShard: number, tag: string) {
  const now = Date.now();
  await Promise.all(
    SHARD_BINDINGS.map(async (shard) => {
      const db = shardDb(env, shard);
      await db.run(sql`DELETE FROM scheduled_tasks WHERE automation_rule_id = 0 AND account_id = ${accountId}`);
      const rows = Array.from(
        { length: perShard },
        (_, i) => sql`(${accountId}, 0, 0, 'schedule', ${`raw:${tag}:${i}`}, ${now}, 'pending', ${now}, ${now})`,
      );
      const statements = [];
      for (let i = 0; i < rows.length; i += 10)
        statements.push(sql`
          INSERT INTO scheduled_tasks (account_id, site_id, automation_rule_id, source, dedupe_key, scheduled_at,
                                       status, created_at, updated_at)
          VALUES ${sql.join(rows.slice(i, i + 10), sql`, `)}`);
      await runBatch(db, statements);
    }),
  );
}
