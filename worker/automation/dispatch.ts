import { and, eq, sql } from 'drizzle-orm';
import { initialStages } from '../../core/automation/run';
import { nextRun } from '../../core/automation/schedule';
import type { RunSource } from '../../core/domain/enums';
import { automationRules } from '../../core/schema/shard';
import { type RuleConfig, ruleConfig } from '../../core/validation/automation';
import { automationRunsOf } from '../../durable-objects/site-coordinator/automation-runs-client';
import type { AutomationRunSpec } from '../../durable-objects/site-coordinator/automation-runs-protocol';
import { runBatch } from '../db/batch';
import { isShardName, SHARD_BINDINGS, type ShardDb, type ShardName, shardDb } from '../db/shards';
import type { Tenant } from '../db/tenant';
import type { Env } from '../env';
import type { AutomationEventMessage, AutomationRunMessage } from './messages';
import { sha256Hex } from '../lib/crypto';
import { systemBotTenant } from './actor';
import { affordabilityOf, firstStageInput, type RuleScope, usedTodayByRule } from './estimate-check';
import { loadRun, type RunRow, viewOf } from './runs-service';
import type { RunTriggerPayload } from './stages/types';

/**
 * How a rule becomes a run: the cron tick's fan-out over the shards, event triggers, and run_now.
 * Every start goes through a scheduled_tasks row made unique by (account, rule, dedupe_key) and a
 * run whose id is derived from that key, both inserted ON CONFLICT DO NOTHING: a duplicate tick, a
 * redelivered message or a second event delivery finds them and starts nothing twice.
 */
export type RuleRow = typeof automationRules.$inferSelect;

/** Deterministic: the same (account, rule, dedupe key) always names the same run. */
export async function runIdFor(accountId: number, ruleId: number, dedupeKey: string) {
  return `run-${ruleId}-${(await sha256Hex(`${accountId}|${ruleId}|${dedupeKey}`)).slice(0, 16)}`;
}

const runMessage = (spec: AutomationRunSpec): AutomationRunMessage => ({ v: 1, type: 'automation.run', ...spec });

/** Queues sendBatch takes at most 100 messages a call. */
async function sendAll(env: Env, events: AutomationRunMessage[]) {
  for (let i = 0; i < events.length; i += 100)
    await env.EVENTS.sendBatch(events.slice(i, i + 100).map((body) => ({ body })));
}

// ---------------------------------------------------------------- the cron tick

export interface TickReport {
  due: number;
  messages: number;
}

/** The consumer of `automation.tick`: every shard in parallel. */
export async function dispatchDue(env: Env, scheduledTime: number): Promise<TickReport> {
  const reports = await Promise.all(SHARD_BINDINGS.map((shard) => dispatchShard(env, shard, scheduledTime)));
  return reports.reduce((a, b) => ({ due: a.due + b.due, messages: a.messages + b.messages }), { due: 0, messages: 0 });
}

interface DueRule {
  id: number;
  account_id: number;
  schedule: string | null;
  timezone: string;
  next_run_at: number;
}

/**
 * One shard's due rules: ONE indexed query (automation_rules_due_idx: is_active, next_run_at), then
 * one D1 batch that inserts their scheduled tasks and runs (the rows travel as one JSON parameter:
 * D1 binds at most 100 parameters a statement) and reads back which runs are still queued, their
 * messages, and a last batch moving each rule's next_run_at past the tick. The rules move LAST: a
 * consumer that dies before it sends leaves them due, so the redelivered tick finds the same rows
 * (ON CONFLICT DO NOTHING) and sends again; driveRun is idempotent, so a message sent twice is harmless.
 */
export async function dispatchShard(env: Env, shard: ShardName, scheduledTime: number): Promise<TickReport> {
  const db = shardDb(env, shard);
  const due = await db.all<DueRule>(sql`
    SELECT id, account_id, schedule, timezone, next_run_at FROM automation_rules
    WHERE is_active = 1 AND next_run_at <= ${scheduledTime} AND trigger = 'schedule'`);
  if (due.length === 0) return { due: 0, messages: 0 };
  const now = Date.now();
  const starts = JSON.stringify(
    await Promise.all(
      due.map(async (r) => [r.id, await runIdFor(r.account_id, r.id, `schedule:${r.next_run_at}`), r.next_run_at]),
    ),
  );
  const rows = (v: string) => sql.raw(`json_extract(j.value, '$[${v}]')`);
  const [, , queued] = await runBatch(db, [
    sql`
      INSERT INTO scheduled_tasks (account_id, site_id, automation_rule_id, source, dedupe_key, scheduled_at, status,
                                   run_id, created_at, updated_at)
      SELECT r.account_id, r.site_id, r.id, 'schedule', 'schedule:' || r.next_run_at, r.next_run_at, 'pending',
             ${rows('1')}, ${now}, ${now}
      FROM json_each(${starts}) j JOIN automation_rules r ON r.id = ${rows('0')}
      WHERE r.next_run_at = ${rows('2')}
      ON CONFLICT DO NOTHING`,
    sql`
      INSERT INTO automation_runs (id, account_id, site_id, rule_id, scheduled_task_id, source, status, stages, config,
                                   created_at, updated_at)
      SELECT st.run_id, st.account_id, st.site_id, st.automation_rule_id, st.id, 'schedule', 'queued', '[]', r.config,
             ${now}, ${now}
      FROM json_each(${starts}) j
      JOIN automation_rules r ON r.id = ${rows('0')}
      JOIN scheduled_tasks st ON st.account_id = r.account_id AND st.automation_rule_id = r.id
                              AND st.dedupe_key = 'schedule:' || ${rows('2')}
      WHERE true
      ON CONFLICT DO NOTHING`,
    sql`
      SELECT ar.id, ar.account_id, ar.site_id FROM json_each(${starts}) j
      JOIN automation_runs ar ON ar.id = ${rows('1')} WHERE ar.status = 'queued'`,
  ]);
  const messages = ((queued?.results ?? []) as { id: string; account_id: number; site_id: number }[]).map((r) =>
    runMessage({ run_id: r.id, account_id: r.account_id, shard, site_id: r.site_id }),
  );
  await sendAll(env, messages);
  const moves = JSON.stringify(due.map((r) => [r.id, r.next_run_at, followingRun(r, scheduledTime)]));
  await runBatch(db, [
    sql`
      UPDATE automation_rules
      SET next_run_at = ${rows('2')}, last_executed_at = ${now}, execution_count = execution_count + 1,
          updated_at = ${now}
      FROM json_each(${moves}) j
      WHERE automation_rules.id = ${rows('0')} AND automation_rules.next_run_at = ${rows('1')}`,
  ]);
  return { due: due.length, messages: messages.length };
}

/** The rule's next time after the tick (not after its missed time: a late tick starts one run, not a backlog). */
function followingRun(rule: DueRule, scheduledTime: number): number | null {
  try {
    return rule.schedule ? nextRun(rule.schedule, rule.timezone, Math.max(scheduledTime, rule.next_run_at)) : null;
  } catch {
    return null; // a cron that no longer parses stops, rather than failing every tick
  }
}

/** The consumer of `automation.run`: hands the run to its site's coordinator (idempotent). */
export async function driveRunMessage(env: Env, message: AutomationRunMessage) {
  const { run_id, account_id, shard, site_id } = message;
  await automationRunsOf(env, account_id, site_id).driveRun({ run_id, account_id, shard, site_id });
}

// ---------------------------------------------------------------- starts one at a time

/**
 * The up-front check of a run about to start (estimate-check.ts, the same check run_now makes before
 * it answers): the most it can cost against the balance, with the rule's usage today. An event's
 * items are the run's input; otherwise what the first stage would pick now.
 */
export async function affordability(
  db: ShardDb,
  rule: RuleScope,
  config: RuleConfig,
  payload: RunTriggerPayload | null,
) {
  const [input, used] = await Promise.all([
    payload?.keyword_ids?.length ??
      payload?.content_ids?.length ??
      firstStageInput(db, rule, config).then((i) => i.count),
    usedTodayByRule(db, rule),
  ]);
  return affordabilityOf(db, rule.account_id, config, input, used);
}

export interface StartRunInput {
  tenant: Tenant;
  rule: RuleRow;
  source: RunSource;
  /** `manual:<key>`, `event:<event id>`: the same key starts the same run once. */
  dedupeKey: string;
  payload: RunTriggerPayload | null;
  dryRun: boolean;
}

/**
 * Starts one run of a rule now (run_now, event triggers): the scheduled task and the run in one D1
 * batch (a replay finds both), then its coordinator is told. run_now has refused (402) a run the
 * balance can't cover before calling this; the runner checks again as the run starts (events and
 * schedules too), failing it with the message naming the cap to lower, so the owner sees why.
 */
export async function startRun(env: Env, input: StartRunInput) {
  const { tenant, rule, source, dedupeKey, payload } = input;
  const db = tenant.db;
  const config = ruleConfig.parse(rule.config ?? {});
  const runId = await runIdFor(tenant.account.id, rule.id, dedupeKey);
  const now = Date.now();
  await runBatch(db, [
    sql`
      INSERT INTO scheduled_tasks (account_id, site_id, automation_rule_id, source, dedupe_key, scheduled_at, status,
                                   run_id, created_at, updated_at)
      VALUES (${tenant.account.id}, ${rule.site_id}, ${rule.id}, ${source}, ${dedupeKey}, ${now}, 'pending', ${runId},
              ${now}, ${now})
      ON CONFLICT DO NOTHING`,
    sql`
      INSERT INTO automation_runs (id, account_id, site_id, rule_id, scheduled_task_id, source, dry_run, status, stages,
                                   config, trigger_payload, credits_estimate, requested_by_user_id, created_at,
                                   updated_at)
      SELECT ${runId}, st.account_id, st.site_id, st.automation_rule_id, st.id, ${source}, ${input.dryRun ? 1 : 0},
             'queued', ${JSON.stringify(initialStages(config.stages))}, ${JSON.stringify(config)},
             ${payload ? JSON.stringify(payload) : null}, 0, ${tenant.user.id || null}, ${now}, ${now}
      FROM scheduled_tasks st
      WHERE st.account_id = ${tenant.account.id} AND st.automation_rule_id = ${rule.id} AND st.dedupe_key = ${dedupeKey}
      ON CONFLICT DO NOTHING`,
  ]);
  const spec = { run_id: runId, account_id: tenant.account.id, shard: tenant.shard, site_id: rule.site_id };
  await handOver(env, spec);
  const found = await loadRun(db, tenant.account.id, runId);
  return viewOf(db, found!.run as RunRow, found!.rule.rule_name);
}

/**
 * Tells the run's coordinator at once; if it can't be reached the queue carries the message (its
 * retries, then the dead-letter queue, which shows on the run).
 */
export async function handOver(env: Env, spec: AutomationRunSpec) {
  try {
    await automationRunsOf(env, spec.account_id, spec.site_id).driveRun(spec);
  } catch (err) {
    console.error(JSON.stringify({ level: 'warn', message: 'driveRun failed, queued instead', error: String(err) }));
    await env.EVENTS.send(runMessage(spec));
  }
}

/** The consumer of `automation.event`: each active rule of the site on that event starts once per event id. */
export async function startEventRuns(env: Env, event: AutomationEventMessage) {
  if (!isShardName(event.shard)) return;
  const db = shardDb(env, event.shard);
  const rules = await db
    .select()
    .from(automationRules)
    .where(
      and(
        eq(automationRules.account_id, event.account_id),
        eq(automationRules.site_id, event.site_id),
        eq(automationRules.event_type, event.event),
        eq(automationRules.trigger, 'event'),
        eq(automationRules.is_active, true),
      ),
    )
    .all();
  if (rules.length === 0) return;
  const tenant = await systemBotTenant(env, event.account_id);
  for (const rule of rules)
    await startRun(env, {
      tenant,
      rule,
      source: 'event',
      dedupeKey: `event:${event.event_id}`,
      payload: event.payload,
      dryRun: false,
    });
}
