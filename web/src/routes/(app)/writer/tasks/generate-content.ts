/**
 * Starting content generation. Like the planner's AI routes it answers with `job`, and also with
 * every job (the API splits selections into jobs of up to 50 tasks): all go into the live panel
 * at once, and a 402 becomes the same "not enough credits" message the planner shows.
 */
import { api, read } from '$lib/api/client';
import { plural } from '$lib/format';
import { realtime } from '$lib/realtime/site-channel.svelte';
import { startAiJob } from '$lib/realtime/start-job';
import { selectionBody } from '$lib/templates/bulk';
import type { BulkTarget } from '$lib/templates/types';

/** What one article holds and costs (worker/writer/ai/generate-content.ts CREDITS_PER_PIECE). */
export const CREDITS_PER_ARTICLE = 3;

/** The checked tasks, or every task the list matches (`target.all`). */
export async function startContentGeneration(target: BulkTarget): Promise<string> {
  let apiMessage = '';
  const fallback = await startAiJob(
    async () => {
      const res = await read(api.api.v1.writer.tasks.auto_generate_content.$post({ json: selectionBody(target) }));
      // startAiJob adopts the first job; the rest (selections over 50 tasks) are adopted here.
      for (const job of res.data.jobs.slice(1)) realtime.adopt(job);
      apiMessage = res.message ?? '';
      return res;
    },
    `Writing ${plural(target.count, 'article')}.`,
  );
  return `${apiMessage || fallback} Follow it under AI jobs.`;
}
