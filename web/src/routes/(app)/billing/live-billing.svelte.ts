/**
 * Billing figures move when jobs start (credits held), succeed (captured) or fail (released):
 * watch the site's live job list and refetch, debounced, when any job's status changes.
 */
import { realtime } from '$lib/realtime/site-channel.svelte';

export function refetchOnJobChanges(refetch: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: string | null = null;
  const stop = $effect.root(() => {
    $effect(() => {
      const signature = realtime.jobs.map((j) => `${j.id}:${j.status}`).join('|');
      if (last !== null && signature !== last) {
        clearTimeout(timer);
        timer = setTimeout(refetch, 300);
      }
      last = signature;
    });
  });
  return () => {
    clearTimeout(timer);
    stop();
  };
}
