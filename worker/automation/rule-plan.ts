/**
 * A dry run: what one run of a rule would take in and cost now, and when its articles would go
 * out, without writing anything (no run, no scheduled task, no hold). The keywords are picked by the
 * same query the clustering stage runs (stages/pick.ts), so the plan shows the run's real input.
 */
import { sql } from 'drizzle-orm';
import { publishSlots } from '../../core/automation/publish-slots';
import type { Tenant } from '../db/tenant';
import { affordabilityOf, firstStageInput, usedTodayByRule } from './estimate-check';
import { configOfRule, type RuleRow } from './rules-service';

/** Publish times shown in a plan at most (a run of many articles keeps filling the window after these). */
const SLOTS_SHOWN = 20;
const DAY = 24 * 3600_000;

export async function planRun(tenant: Tenant, rule: RuleRow, now = Date.now()) {
  const db = tenant.db;
  const config = configOfRule(rule);
  const [input, used] = await Promise.all([firstStageInput(db, rule, config), usedTodayByRule(db, rule, now)]);
  const { estimate, balance, shortfall } = await affordabilityOf(db, tenant.account.id, config, input.count, used);
  let slots: number[] = [];
  if (config.stages.includes('publish') && config.publish_mode !== 'draft' && estimate.articles > 0) {
    // Taken: the site's scheduled publishes (any rule or by hand), as the publish stage counts them.
    const taken = await db.all<{ publish_at: number }>(sql`
      SELECT publish_at FROM content WHERE account_id = ${tenant.account.id} AND site_id = ${rule.site_id}
        AND status = 'scheduled' AND publish_at IS NOT NULL AND publish_at >= ${now - DAY}`);
    slots = publishSlots({
      now,
      tz: rule.timezone,
      window: config.publish_window,
      count: Math.min(estimate.articles, SLOTS_SHOWN),
      taken: taken.map((t) => t.publish_at),
    });
  }
  return {
    first_stage: config.stages[0]!,
    input_count: input.count,
    keywords: input.keywords.map(({ id, keyword, volume }) => ({ id, keyword, volume })),
    estimate,
    used_today: used,
    balance,
    affordable: shortfall === null,
    shortfall,
    publish_slots: slots,
  };
}
export type RunPlan = Awaited<ReturnType<typeof planRun>>;
