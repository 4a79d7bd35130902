import type { Env } from '../env';

/** Clears AI call bodies past their 30 days (issue 14, item 5). Placeholder. */
export async function expireAiCallBodies(_env: Env, _scheduledTime: number) {}
