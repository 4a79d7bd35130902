/**
 * The caps a stage checks before it starts work (spec13 "Credits"): credits_per_run over this run's
 * stages so far, credits_per_day and the per-day item caps over the rule's runs of the local day
 * (core/automation/caps.ts counts the day in the rule's zone).
 */
import { sql } from 'drizzle-orm';
import { capReachedNote, dayStart, remainingToday } from '../../../core/automation/caps';
import type { AutomationStageState } from '../../../core/automation/run';
import { AUTOMATION_STAGES, type AutomationStage } from '../../../core/domain/enums';
import { joinNotes } from './jobs';
import type { StageContext } from './types';

/** Credits this run's stages have charged (the stage asking has charged nothing yet). */
export const runCredits = (stages: readonly AutomationStageState[]) => stages.reduce((n, s) => n + s.credits_used, 0);

interface OtherRun {
  stages: string;
  credits_used: number;
}

/** The rule's other runs created since the start of today in its zone. */
async function otherRunsToday(ctx: StageContext): Promise<{ stages: AutomationStageState[]; credits: number }[]> {
  const since = dayStart(ctx.now, ctx.run.timezone);
  const rows = await ctx.tenant.db.all<OtherRun>(sql`
    SELECT stages, credits_used FROM automation_runs
    WHERE account_id = ${ctx.run.account_id} AND rule_id = ${ctx.run.rule_id} AND id != ${ctx.run.id}
      AND created_at >= ${since} AND dry_run = 0`);
  return rows.map((r) => ({ stages: JSON.parse(r.stages) as AutomationStageState[], credits: r.credits_used }));
}

/**
 * Items a stage of the rule's runs made today: a finished stage counts what it made, an unfinished
 * one what it took in (its jobs may still make all of it).
 */
export async function madeToday(ctx: StageContext, stage: AutomationStage): Promise<number> {
  const at = AUTOMATION_STAGES.indexOf(stage);
  let n = 0;
  for (const run of await otherRunsToday(ctx)) {
    const s = run.stages[at];
    if (!s) continue;
    n += s.status === 'completed' || s.status === 'failed' ? s.output_count : s.input_count;
  }
  return n;
}

export interface CreditRoom {
  /** Credits the stage may still use (Infinity: no cap). */
  left: number;
  /** The note when a cap is what limits the stage. */
  note: (needed: number) => string;
}

export async function creditRoom(ctx: StageContext): Promise<CreditRoom> {
  const { credits_per_run, credits_per_day } = ctx.config.caps;
  const usedRun = runCredits(ctx.run.stages);
  const perRun = remainingToday(credits_per_run, usedRun);
  let perDay = Number.POSITIVE_INFINITY;
  let usedDay = usedRun;
  if (credits_per_day !== null) {
    usedDay += (await otherRunsToday(ctx)).reduce((n, r) => n + r.credits, 0);
    perDay = remainingToday(credits_per_day, usedDay);
  }
  const byDay = perDay < perRun;
  return {
    left: Math.min(perRun, perDay),
    note: () =>
      byDay
        ? capReachedNote('credits_per_day', credits_per_day!, usedDay)
        : capReachedNote('credits_per_run', credits_per_run ?? 0, usedRun, 'this run'),
  };
}

/** How many items of `unitCost` credits fit in the room (all of `wanted` when uncapped or free). */
export const itemsWithin = (room: CreditRoom, unitCost: number, wanted: number) =>
  unitCost === 0 || room.left === Number.POSITIVE_INFINITY
    ? wanted
    : Math.min(wanted, Math.floor(room.left / unitCost));

/**
 * How many of `wanted` items (articles, images) a stage may take now: what the rule's daily cap leaves
 * after its other runs today, then what the credit room pays for; the note says which limit bit.
 */
export async function takeWithinCaps(
  ctx: StageContext,
  stage: 'content' | 'images',
  cap: 'articles_per_day' | 'images_per_day',
  unitCost: number,
  wanted: number,
): Promise<{ count: number; note: string | null }> {
  const limit = ctx.config.caps[cap];
  const earlier = limit === null ? 0 : await madeToday(ctx, stage);
  const byDay = Math.min(wanted, remainingToday(limit, earlier));
  const room = await creditRoom(ctx);
  const count = itemsWithin(room, unitCost, byDay);
  const note = joinNotes(
    byDay < wanted && `${capReachedNote(cap, limit ?? 0, earlier + byDay)} (${earlier} by earlier runs)`,
    count < byDay && room.note(unitCost),
  );
  return { count, note };
}
