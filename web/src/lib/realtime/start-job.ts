/**
 * Starting an AI job from a page: the POST answers 202 with the queued job, which goes straight
 * into the live job list (the socket's own event may come a moment later, or not at all if it is
 * reconnecting). A 402 means nothing was queued: its message says how many credits were needed,
 * and we add where to go about it for this role.
 */
import type { JobView } from '$core/ai/jobs';
import { ApiRequestError } from '$lib/api/errors';
import { session } from '$lib/session.svelte';
import { realtime } from './site-channel.svelte';

export async function startAiJob(
  start: () => Promise<{ data: { job: JobView } }>,
  startedMessage: string,
): Promise<string> {
  try {
    const res = await start();
    realtime.adopt(res.data.job);
    return startedMessage;
  } catch (err) {
    if (err instanceof ApiRequestError && err.code === 'insufficient_credits') {
      const where = session.can('billing:read')
        ? 'Billing shows the balance and what used it.'
        : 'Ask the account owner to add credits.';
      throw new ApiRequestError(err.status, {
        error: `Not enough credits: ${err.message} ${where}`,
        code: err.code,
        request_id: err.requestId,
      });
    }
    throw err;
  }
}
