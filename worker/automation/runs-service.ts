import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  type AutomationRunView,
  type AutomationStageState,
  initialStages,
  TERMINAL_RUN_STATUSES,
} from '../../core/automation/run';
import type { AutomationRunStatus } from '../../core/domain/enums';
import { automationRules, automationRuns, content } from '../../core/schema/shard';
import { type RuleConfig, ruleConfig } from '../../core/validation/automation';
import { isShardName, type ShardDb, shardDb } from '../db/shards';
import type { Env } from '../env';
import type { AutomationRunMessage } from './messages';
import type { RunRecord, RunTriggerPayload } from './stages/types';

/**
 * The automation_runs row: read, viewed, and changed only by a compare-and-set on `version`, so the
 * coordinator's step and a pause/cancel/approve from the API never overwrite each other (whoever
 * loses reloads and decides again).
 */
export type RunRow = typeof automationRuns.$inferSelect;
type RuleBits = { rule_name: string; sector_id: number | null; timezone: string };

const ms = (d: Date | null) => d?.getTime() ?? null;

export const isTerminal = (status: AutomationRunStatus) => TERMINAL_RUN_STATUSES.includes(status);

const runWithRule = (db: ShardDb) =>
  db
    .select({
      run: automationRuns,
      rule_name: automationRules.name,
      sector_id: automationRules.sector_id,
      timezone: automationRules.timezone,
    })
    .from(automationRuns)
    .leftJoin(
      automationRules,
      and(eq(automationRules.account_id, automationRuns.account_id), eq(automationRules.id, automationRuns.rule_id)),
    );

/** A run of the account with the rule fields its view and its stages need (null: no such run). */
export async function loadRun(db: ShardDb, accountId: number, runId: string) {
  const row = await runWithRule(db)
    .where(and(eq(automationRuns.account_id, accountId), eq(automationRuns.id, runId)))
    .get();
  if (!row) return null;
  return {
    run: row.run,
    rule: { rule_name: row.rule_name ?? '', sector_id: row.sector_id, timezone: row.timezone ?? 'UTC' },
  };
}

/** The run's config as it was when it started (a row from before a config change parses with defaults). */
export function configOf(row: RunRow): RuleConfig {
  const parsed = ruleConfig.safeParse(row.config ?? {});
  return parsed.success ? parsed.data : ruleConfig.parse({});
}

/** The persisted stages; a queued run that has none yet shows the rule's stages pending. */
export function stagesOf(row: RunRow): AutomationStageState[] {
  const stages = (row.stages ?? []) as unknown as AutomationStageState[];
  return stages.length ? stages : initialStages(configOf(row).stages);
}

export function recordOf(row: RunRow, rule: RuleBits): RunRecord {
  return {
    id: row.id,
    account_id: row.account_id,
    site_id: row.site_id,
    rule_id: row.rule_id,
    sector_id: rule.sector_id,
    timezone: rule.timezone,
    scheduled_task_id: row.scheduled_task_id,
    source: row.source,
    dry_run: row.dry_run,
    status: row.status,
    current_stage: row.current_stage,
    stages: stagesOf(row),
    config: configOf(row),
    trigger_payload: (row.trigger_payload ?? null) as RunTriggerPayload | null,
    credits_estimate: row.credits_estimate,
    credits_used: row.credits_used,
    version: row.version,
    started_at: ms(row.started_at),
    created_at: row.created_at.getTime(),
  };
}

/** The articles a run's review gate holds: the publish stage's articles still in review. */
function heldIds(row: RunRow) {
  const stages = stagesOf(row);
  const publish = stages.find((s) => s.stage === 'publish');
  const articles = publish?.input_ids.length
    ? publish.input_ids
    : (stages.find((s) => s.stage === 'content')?.output_ids ?? []);
  return row.status === 'awaiting_review' ? articles : [];
}

export async function viewsOf(db: ShardDb, rows: { run: RunRow; rule_name: string }[]): Promise<AutomationRunView[]> {
  const held = [...new Set(rows.flatMap((r) => heldIds(r.run)))];
  const inReview = new Set<number>();
  const accountId = rows[0]?.run.account_id;
  for (let i = 0; accountId && i < held.length; i += 90) {
    const part = await db
      .select({ id: content.id })
      .from(content)
      .where(
        and(
          eq(content.account_id, accountId),
          inArray(content.id, held.slice(i, i + 90)),
          eq(content.status, 'review'),
        ),
      )
      .all();
    for (const c of part) inReview.add(c.id);
  }
  return rows.map(({ run, rule_name }) => ({
    id: run.id,
    site_id: run.site_id,
    rule_id: run.rule_id,
    rule_name,
    scheduled_task_id: run.scheduled_task_id,
    source: run.source,
    dry_run: run.dry_run,
    status: run.status,
    current_stage: run.current_stage,
    stages: stagesOf(run),
    credits_estimate: run.credits_estimate,
    credits_used: run.credits_used,
    error: run.error,
    dead_letter: (run.dead_letter ?? null) as AutomationRunView['dead_letter'],
    awaiting_review_ids: heldIds(run).filter((id) => inReview.has(id)),
    version: run.version,
    started_at: ms(run.started_at),
    finished_at: ms(run.finished_at),
    created_at: run.created_at.getTime(),
    updated_at: run.updated_at.getTime(),
  }));
}

export async function viewOf(db: ShardDb, run: RunRow, ruleName: string) {
  return (await viewsOf(db, [{ run, rule_name: ruleName }]))[0]!;
}

/** A page of runs, newest first, under `where` (the caller adds the account and the visible sites). */
export async function listRuns(db: ShardDb, where: SQL | undefined, limit: number, offset: number) {
  const [rows, total] = await Promise.all([
    runWithRule(db)
      .where(where)
      .orderBy(desc(automationRuns.created_at), desc(automationRuns.id))
      .limit(limit)
      .offset(offset)
      .all(),
    db.select({ n: sql<number>`count(*)` }).from(automationRuns).where(where).get(),
  ]);
  const views = await viewsOf(
    db,
    rows.map((r) => ({ run: r.run, rule_name: r.rule_name ?? '' })),
  );
  return { views, count: total?.n ?? 0 };
}

export type RunPatch = Partial<
  Pick<RunRow, 'status' | 'current_stage' | 'credits_estimate' | 'credits_used' | 'error' | 'dead_letter'> & {
    stages: AutomationStageState[];
    started_at: number;
    finished_at: number | null;
  }
>;

/** Compare-and-set on `version`: the patched row, or null when someone changed the run first. */
export async function updateRun(db: ShardDb, row: RunRow, patch: RunPatch): Promise<RunRow | null> {
  const updated = await db
    .update(automationRuns)
    .set({
      ...patch,
      stages: patch.stages as unknown as RunRow['stages'] | undefined,
      started_at: patch.started_at === undefined ? undefined : new Date(patch.started_at),
      finished_at: patch.finished_at == null ? patch.finished_at : new Date(patch.finished_at),
      version: row.version + 1,
      updated_at: new Date(),
    })
    .where(
      and(
        eq(automationRuns.account_id, row.account_id),
        eq(automationRuns.id, row.id),
        eq(automationRuns.version, row.version),
      ),
    )
    .returning()
    .get();
  return updated ?? null;
}

/**
 * A run's message reached the dead-letter queue: the run fails and says so, with the message kept so
 * `retry/` can send it again. A run that already ended keeps its ending (the message was a spare).
 */
export async function markDeadLetter(env: Env, message: AutomationRunMessage, error: string) {
  if (!isShardName(message.shard)) return;
  const db = shardDb(env, message.shard);
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await loadRun(db, message.account_id, message.run_id);
    if (!found || isTerminal(found.run.status)) return;
    const now = Date.now();
    const done = await updateRun(db, found.run, {
      status: 'failed',
      error: `The run's message could not be delivered: ${error}`,
      dead_letter: { type: message.type, failed_at: now, error },
      finished_at: now,
    });
    if (done) return;
  }
}
