import type { Env } from '../env';

/** Plan credits once per period and budget alerts (issue 14, item 6). Placeholder. */
export async function runBillingPeriodic(_env: Env, _scheduledTime: number) {}
