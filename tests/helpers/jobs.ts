import { inject } from 'vitest';
import { call, type Session } from './api';

/** The dev model server the Worker talks to (started by tests/setup/dev-model.ts). */
export const devModelUrl = () => inject('devModelUrl');

/** Gives the account its own OpenAI key (pointing at the dev model), so faults can be scripted for it. */
export async function useOwnModelKey(owner: Session, apiKey: string) {
  const res = await call('PUT', '/api/v1/system/settings/integrations/openai/', {
    token: owner.token,
    body: { api_key: apiKey, base_url: `${devModelUrl()}/v1` },
  });
  if (res.status !== 200) throw new Error(`settings failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Scripts the next replies for an API key: e.g. ['429', 'ok', 'malformed']. */
export async function scriptFaults(
  apiKey: string,
  config: {
    script?: string[];
    latency_ms?: number;
    stream_delay_ms?: number;
    retry_after_s?: number;
    rates?: Record<string, number>;
  },
) {
  const res = await fetch(`${devModelUrl()}/__dev/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: apiKey, ...config }),
  });
  if (!res.ok) throw new Error(`fault script refused: ${res.status} ${await res.text()}`);
}

export async function modelStats(apiKey: string) {
  return (await (await fetch(`${devModelUrl()}/__dev/stats?api_key=${encodeURIComponent(apiKey)}`)).json()) as {
    requests: number;
    by_outcome: Record<string, number>;
  };
}

/** Polls the seed's task_progress endpoint until the job ends (or the test times out). */
export async function waitForJob(s: Session, taskId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call('GET', `/api/v1/system/settings/task_progress/${taskId}/`, { token: s.token });
    const job = res.body.data?.job;
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline)
      throw new Error(`job ${taskId} still ${job?.status} after ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
