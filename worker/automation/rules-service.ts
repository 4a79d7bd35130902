/**
 * Automation rules: the only writer of automation_rules besides the dispatcher, which moves
 * next_run_at, last_executed_at and execution_count as it starts runs (dispatch.ts). Every change
 * bumps `version` with a compare-and-set, so a stale PATCH is a 409 and never overwrites a newer
 * edit. `next_run_at` is the only column the scheduler's due query reads, so it is kept here: the
 * next cron time from now when a schedule is set or switched on, null when the rule can't fire.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { estimateRun } from '../../core/automation/estimate';
import { cronProblem, isValidTimeZone, nextRun, nextRuns, scheduleWords } from '../../core/automation/schedule';
import type { AutomationRunStatus } from '../../core/domain/enums';
import { automationRules, automationRuns, sectors } from '../../core/schema/shard';
import {
  type CreateRuleBody,
  type RuleConfig,
  ruleConfig,
  type UpdateRuleBody,
} from '../../core/validation/automation';
import type { ShardDb } from '../db/shards';
import type { Tenant } from '../db/tenant';
import { BadRequest, Conflict, NotFound, ValidationError } from '../http/errors';

export type RuleRow = typeof automationRules.$inferSelect;
type ScheduleFields = Pick<RuleRow, 'trigger' | 'schedule' | 'timezone' | 'is_active'>;

/** How many upcoming times a rule's view lists. */
const NEXT_RUNS_SHOWN = 5;

/** The rule's stored config with today's defaults (a row from before a new field parses too). */
export function configOfRule(row: Pick<RuleRow, 'config'>): RuleConfig {
  const parsed = ruleConfig.safeParse(row.config ?? {});
  return parsed.success ? parsed.data : ruleConfig.parse({});
}

/** 400 `invalid_timezone` / `invalid_cron` (with the field named) for a schedule croner or Intl refuses. */
export function assertSchedule(rule: Pick<RuleRow, 'schedule' | 'timezone'>) {
  if (!isValidTimeZone(rule.timezone)) {
    const message = `Unknown time zone "${rule.timezone}": use an IANA name such as Europe/Berlin.`;
    throw new BadRequest(message, 'invalid_timezone', { timezone: [message] });
  }
  if (rule.schedule === null) return;
  const problem = cronProblem(rule.schedule, rule.timezone);
  if (problem) throw new BadRequest(problem, 'invalid_cron', { schedule: [problem] });
}

/**
 * The next time a rule fires strictly after `after` (epoch ms), or null when it can't fire by the
 * clock (not a schedule rule, switched off, no cron, or a cron that never runs again). The
 * dispatcher calls it after each start; a cron that stopped parsing also gives null.
 */
export function nextRunAfter(rule: ScheduleFields, after: number): number | null {
  if (rule.trigger !== 'schedule' || !rule.is_active || !rule.schedule) return null;
  try {
    return nextRun(rule.schedule, rule.timezone, after);
  } catch {
    return null;
  }
}

/** A rule of the account (no access check: the routes use the scoped resource for that). */
export function loadRule(db: ShardDb, accountId: number, id: number) {
  return db
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.account_id, accountId), eq(automationRules.id, id)))
    .get();
}

/** The sector must be one of the rule's site (another site's or account's sector is not found). */
async function assertSectorOfSite(tenant: Tenant, siteId: number, sectorId: number | null) {
  if (sectorId === null) return;
  const row = await tenant.db
    .select({ id: sectors.id })
    .from(sectors)
    .where(and(eq(sectors.account_id, tenant.account.id), eq(sectors.site_id, siteId), eq(sectors.id, sectorId)))
    .get();
  if (!row) throw new NotFound('Sector');
}

/** Create: the site was checked for write by the route; sector, cron and zone are checked here. */
export async function createRule(tenant: Tenant, input: CreateRuleBody, now = Date.now()): Promise<RuleRow> {
  assertSchedule(input);
  await assertSectorOfSite(tenant, input.site_id, input.sector_id);
  const at = new Date(now);
  const next = nextRunAfter(input, now);
  const [row] = await tenant.db
    .insert(automationRules)
    .values({
      account_id: tenant.account.id,
      site_id: input.site_id,
      sector_id: input.sector_id,
      name: input.name,
      description: input.description,
      trigger: input.trigger,
      schedule: input.schedule,
      timezone: input.timezone,
      event_type: input.trigger === 'event' ? input.event_type : null,
      config: input.config,
      is_active: input.is_active,
      status: input.is_active ? 'active' : 'paused',
      next_run_at: next === null ? null : new Date(next),
      created_by_user_id: tenant.user.id,
      version: 1,
      created_at: at,
      updated_at: at,
    })
    .returning();
  return row!;
}

/** One compare-and-set on `version`: 409 `rule_changed` when someone changed the rule since it was read. */
async function writeRule(tenant: Tenant, row: RuleRow, version: number, set: Partial<RuleRow>): Promise<RuleRow> {
  const [updated] = await tenant.db
    .update(automationRules)
    .set({ ...set, version: sql`${automationRules.version} + 1`, updated_at: new Date() })
    .where(
      and(
        eq(automationRules.account_id, tenant.account.id),
        eq(automationRules.id, row.id),
        eq(automationRules.version, version),
      ),
    )
    .returning();
  if (!updated) throw staleRule();
  return updated;
}

const staleRule = () =>
  new Conflict('The rule was changed by someone else since you opened it: reload it and try again.', 'rule_changed');

/**
 * PATCH: fields replace the stored ones (config whole). The trigger's own fields are required of
 * the result (a schedule rule without a cron is refused even if the PATCH only changed the trigger).
 * next_run_at moves only when something it depends on changed, so renaming a due rule does not
 * skip its run.
 */
export async function updateRule(tenant: Tenant, row: RuleRow, input: UpdateRuleBody, now = Date.now()) {
  if (input.version !== row.version) throw staleRule();
  const { version, ...fields } = input;
  const merged = { ...row, ...fields };
  const errors: Record<string, string[]> = {};
  if (merged.trigger === 'schedule' && !merged.schedule) errors.schedule = ['A scheduled rule needs a cron schedule.'];
  if (merged.trigger === 'event' && !merged.event_type)
    errors.event_type = ['An event rule needs the event it starts on.'];
  if (Object.keys(errors).length) throw new ValidationError(errors);
  assertSchedule(merged);
  if (fields.sector_id !== undefined) await assertSectorOfSite(tenant, row.site_id, fields.sector_id);
  const set: Partial<RuleRow> = { ...fields };
  if (fields.is_active !== undefined) set.status = fields.is_active ? 'active' : 'paused';
  if (merged.trigger !== 'event') set.event_type = null;
  const timing = ['trigger', 'schedule', 'timezone', 'is_active'] as const;
  if (timing.some((k) => fields[k] !== undefined && fields[k] !== row[k])) {
    const next = nextRunAfter(merged, now);
    set.next_run_at = next === null ? null : new Date(next);
  }
  return writeRule(tenant, row, version, set);
}

/** The rule's switch: pause stops the clock; resume restarts it from now (missed times are not made up). */
export async function setRuleActive(tenant: Tenant, row: RuleRow, active: boolean, now = Date.now()) {
  const next = active ? nextRunAfter({ ...row, is_active: true }, now) : null;
  return writeRule(tenant, row, row.version, {
    is_active: active,
    status: active ? 'active' : 'paused',
    next_run_at: next === null ? null : new Date(next),
  });
}

const LIVE_RUN_STATUSES: AutomationRunStatus[] = ['queued', 'running', 'paused', 'awaiting_review'];

/**
 * Deletes the rule; its history (starts and runs) stays for the credit record. Refused while a run
 * of it is unfinished: the run's stages read the rule's sector and zone, so it is cancelled first.
 */
export async function deleteRule(tenant: Tenant, row: RuleRow) {
  const live = await tenant.db
    .select({ id: automationRuns.id })
    .from(automationRuns)
    .where(
      and(
        eq(automationRuns.account_id, tenant.account.id),
        eq(automationRuns.rule_id, row.id),
        inArray(automationRuns.status, LIVE_RUN_STATUSES),
      ),
    )
    .get();
  if (live) {
    throw new Conflict(`A run of this rule is still going (${live.id}): cancel it first.`, 'rule_has_active_run');
  }
  await tenant.db
    .delete(automationRules)
    .where(and(eq(automationRules.account_id, tenant.account.id), eq(automationRules.id, row.id)))
    .run();
}

/** The newest run of each rule (one indexed lookup per rule: automation_runs_rule_idx). */
async function lastRuns(db: ShardDb, accountId: number, ruleIds: number[]) {
  const out = new Map<number, { id: string; status: AutomationRunStatus }>();
  if (!ruleIds.length) return out;
  const rows = await db.all<{ rule_id: number; id: string; status: AutomationRunStatus }>(sql`
    SELECT r.rule_id, x.id, x.status
    FROM (SELECT CAST(value AS INTEGER) AS rule_id FROM json_each(${JSON.stringify(ruleIds)})) r
    JOIN automation_runs x ON x.account_id = ${accountId} AND x.id = (
      SELECT y.id FROM automation_runs y WHERE y.account_id = ${accountId} AND y.rule_id = r.rule_id
      ORDER BY y.created_at DESC, y.id DESC LIMIT 1)`);
  for (const r of rows) out.set(r.rule_id, { id: r.id, status: r.status });
  return out;
}

/** Rules as the API shows them: the next times, the schedule in words, the most one run can cost, the last run. */
export async function presentRules(db: ShardDb, accountId: number, rows: RuleRow[], now = Date.now()) {
  const last = await lastRuns(
    db,
    accountId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const config = configOfRule(r);
    let next: number[] = [];
    if (r.trigger === 'schedule' && r.is_active && r.schedule) {
      try {
        next = nextRuns(r.schedule, r.timezone, now, NEXT_RUNS_SHOWN);
      } catch {
        next = [];
      }
    }
    return {
      id: r.id,
      site_id: r.site_id,
      sector_id: r.sector_id,
      name: r.name,
      description: r.description,
      trigger: r.trigger,
      schedule: r.schedule,
      timezone: r.timezone,
      event_type: r.event_type,
      config,
      is_active: r.is_active,
      status: r.status,
      next_run_at: r.next_run_at,
      last_executed_at: r.last_executed_at,
      execution_count: r.execution_count,
      created_by_user_id: r.created_by_user_id,
      version: r.version,
      created_at: r.created_at,
      updated_at: r.updated_at,
      next_runs: next,
      schedule_words: r.trigger === 'schedule' && r.schedule ? scheduleWords(r.schedule) : null,
      credits_max: estimateRun(config, { keywords: config.batches.keywords_per_run }).total,
      last_run: last.get(r.id) ?? null,
    };
  });
}
export type RuleView = Awaited<ReturnType<typeof presentRules>>[number];
