import type { Env } from '../env';

/**
 * Keeps a dead letter in the control database (dead_letters) so the developer console can list and
 * replay it. Placeholder until the console lands (issue 14, item 7): idempotent by message id.
 */
export async function recordDeadLetter(_env: Env, _message: Message<unknown>, _queue: string): Promise<void> {}
