/**
 * The up-front credit check of a run (DESIGN.md §5: "checked before an AI operation, nothing
 * queued"): the most the run can cost (core/automation/estimate.ts, bounded by the rule's caps and
 * what the rule's runs used today in its zone) against the account's balance. run_now refuses with
 * 402 naming the cap to lower; a scheduled start fails its run with the same message.
 */
import { sql } from 'drizzle-orm';
import { dayStart } from '../../core/automation/caps';
import { estimateRun, explainShortfall, type EstimateInput, type RunEstimate } from '../../core/automation/estimate';
import type { AutomationStageState } from '../../core/automation/run';
import { AUTOMATION_STAGES } from '../../core/domain/enums';
import type { RuleConfig } from '../../core/validation/automation';
import { balanceOf } from '../billing/ledger';
import type { ShardDb } from '../db/shards';
import type { Tenant } from '../db/tenant';
import { InsufficientCredits } from '../http/errors';
import {
  pendingImages,
  pickClustersWithoutIdeas,
  pickDraftsWithoutImages,
  pickKeywords,
  pickNewIdeas,
  type PickedKeyword,
  writableTasks,
} from './stages/pick';

type UsedToday = NonNullable<EstimateInput['usedToday']>;

export interface RuleScope {
  id: number;
  account_id: number;
  site_id: number;
  sector_id: number | null;
  timezone: string;
}

const CONTENT = AUTOMATION_STAGES.indexOf('content');
const IMAGES = AUTOMATION_STAGES.indexOf('images');

/**
 * What the rule's runs made and spent since midnight in its zone (the daily caps count it): a
 * finished stage counts what it made, an unfinished one what it took in (its jobs may make all of it),
 * as the stages' own cap check does (stages/budget.ts).
 */
export async function usedTodayByRule(db: ShardDb, rule: RuleScope, now = Date.now()): Promise<UsedToday> {
  const rows = await db.all<{ stages: string; credits_used: number }>(sql`
    SELECT stages, credits_used FROM automation_runs
    WHERE account_id = ${rule.account_id} AND rule_id = ${rule.id} AND created_at >= ${dayStart(now, rule.timezone)}
      AND dry_run = 0`);
  const made = (s: AutomationStageState | undefined) =>
    !s ? 0 : s.status === 'completed' || s.status === 'failed' ? s.output_count : s.input_count;
  const used = { articles: 0, images: 0, credits: 0 };
  for (const r of rows) {
    const stages = JSON.parse(r.stages || '[]') as AutomationStageState[];
    used.articles += made(stages[CONTENT]);
    used.images += made(stages[IMAGES]);
    used.credits += r.credits_used;
  }
  return used;
}

/**
 * The items a run would take into its first stage now, picked as the stages pick them
 * (stages/pick.ts): keywords in the rule's pick order for clustering, else that stage's pool.
 */
export async function firstStageInput(
  db: ShardDb,
  rule: RuleScope,
  config: RuleConfig,
): Promise<{ count: number; keywords: PickedKeyword[] }> {
  const scope = { accountId: rule.account_id, siteId: rule.site_id, sectorId: rule.sector_id };
  const b = config.batches;
  switch (config.stages[0]) {
    case 'clustering': {
      const { account_id, site_id, sector_id } = rule;
      const keywords = await pickKeywords(db, account_id, site_id, sector_id, config.pick_order, b.keywords_per_run);
      return { count: keywords.length, keywords };
    }
    case 'ideas':
      return { count: (await pickClustersWithoutIdeas(db, scope, b.keywords_per_run)).length, keywords: [] };
    case 'tasks':
      return { count: (await pickNewIdeas(db, scope, b.tasks_per_batch)).length, keywords: [] };
    case 'content':
      return { count: (await writableTasks(db, scope, null, b.tasks_per_batch)).length, keywords: [] };
    case 'image_prompts':
      return { count: (await pickDraftsWithoutImages(db, scope, 50)).length, keywords: [] };
    case 'images':
      return {
        count: (await pendingImages(db, scope, null, config.images === 'featured', 500)).length,
        keywords: [],
      };
    default:
      return { count: 0, keywords: [] };
  }
}

export interface Affordability {
  estimate: RunEstimate;
  balance: number;
  /** The refusal in words; null when the balance covers the estimate. */
  shortfall: string | null;
}

/** The estimate for `input` first-stage items and whether the balance covers it. */
export async function affordabilityOf(
  db: ShardDb,
  accountId: number,
  config: RuleConfig,
  input: number,
  usedToday: UsedToday = {},
): Promise<Affordability> {
  const estimate = estimateRun(config, { keywords: input, usedToday });
  const { balance } = await balanceOf(db, accountId);
  return { estimate, balance, shortfall: explainShortfall(estimate, balance) };
}

/**
 * Throws the 402 `insufficient_credits` whose message names the cap to lower when the balance
 * can't cover the run's estimate; returns the estimate otherwise. `keywordsAvailable` is what the
 * run would take into its first stage (firstStageInput), `usedToday` what the rule used today.
 */
export async function assertAffordable(
  tenant: Tenant,
  config: RuleConfig,
  keywordsAvailable: number,
  usedToday: UsedToday = {},
): Promise<RunEstimate> {
  const { estimate, shortfall } = await affordabilityOf(
    tenant.db,
    tenant.account.id,
    config,
    keywordsAvailable,
    usedToday,
  );
  if (shortfall) throw new InsufficientCredits(shortfall);
  return estimate;
}
