/** Where a stage's input comes from: the stage before it, or (first stage of the rule) its own pool. */
import { AUTOMATION_STAGES, type AutomationStage } from '../../../core/domain/enums';
import type { StageContext } from './types';

export const scopeOf = (ctx: StageContext) => ({
  accountId: ctx.run.account_id,
  siteId: ctx.run.site_id,
  sectorId: ctx.run.sector_id,
});

/** The previous stage's output, or null when this stage is the run's first (nothing ran before it). */
export function inputOf(ctx: StageContext): number[] | null {
  const prev = ctx.previous;
  if (prev && prev.status !== 'skipped') return prev.output_ids;
  return null;
}

/** The output of an earlier stage of this run (null when it did not run). */
export function outputOfStage(ctx: StageContext, stage: AutomationStage): number[] | null {
  const s = ctx.run.stages[AUTOMATION_STAGES.indexOf(stage)];
  return s && s.status !== 'skipped' && s.status !== 'pending' ? s.output_ids : null;
}
