import { InvalidJobInput } from './ai-function';
import { ProviderNotConfigured } from './ports';

/** The D1 steps of a job, named in what users read when one of them fails. */
export type EngineStep = 'reserve' | 'prepare' | 'save';

const STEP_SENTENCES: Record<EngineStep, string> = {
  reserve: 'Reserving the credits for this job failed',
  prepare: 'Loading the selection for this job failed',
  save: 'Saving the results of this job failed',
};

/**
 * The error a user reads when a D1 step fails for good. Errors we raise for users (the selection is
 * gone, no AI provider) are already sentences; anything else (a D1 error quoting SQL and its
 * values) is logged with the job id by the engine and shown as a sentence that names the step.
 */
export function stepFailure(step: EngineStep, err: unknown, jobId: string): string {
  if (err instanceof InvalidJobInput || err instanceof ProviderNotConfigured) return err.message;
  return (
    `${STEP_SENTENCES[step]} because of a database error (logged with job ${jobId}). ` +
    'Credits for undelivered work are returned.'
  );
}

/** "2 of 5 articles delivered, 6 credits charged": what a job that ended early gave and cost. */
export function describeDelivery(
  def: { unitPlural?: string },
  delivered: number,
  total: number,
  charged: number,
): string {
  const credits = charged === 0 ? 'no credits charged' : `${charged} credit${charged === 1 ? '' : 's'} charged`;
  if (total === 0 || delivered === 0) return `nothing delivered, ${credits}`;
  return `${delivered} of ${total} ${def.unitPlural ?? 'parts'} delivered, ${credits}`;
}
