import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, createSite, signup, type Session } from '../helpers/api';
import { devModelUrl, scriptFaults, waitForJob } from '../helpers/jobs';

/**
 * Credits match delivered work, through the API and the real coordinator: a content job cancelled
 * while articles stream into their drafts is charged for the finished articles only, and every
 * article it did not finish is taken out of its draft (which no longer says "generating").
 */
describe('cancelling a content job part-way', () => {
  let owner: Session;
  let siteId: number;
  let sectorId: number;
  const key = `sk-trust-credits-${Date.now()}`;

  beforeAll(async () => {
    owner = await signup('trust-credits');
    siteId = (await createSite(owner, 'Credits Site')).id;
    sectorId = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
    ).body.data.id;
    // One call at a time, and slow streams: articles are written one after the other.
    const settings = await call('PUT', '/api/v1/system/settings/integrations/openai/', {
      token: owner.token,
      body: { api_key: key, base_url: `${devModelUrl()}/v1`, max_concurrency: 1 },
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  });

  async function job(taskId: string) {
    return (await call('GET', `/api/v1/system/settings/task_progress/${taskId}/`, { token: owner.token })).body.data
      .job;
  }

  it('charges the finished articles only, releases the rest and leaves no draft "generating"', async () => {
    const titles = ['Mulch basics', 'Compost tea', 'Raised bed soil', 'Drip irrigation'];
    const tasks: { id: number }[] = [];
    for (const title of titles) {
      const res = await call('POST', '/api/v1/writer/tasks/', {
        token: owner.token,
        body: { site_id: siteId, sector_id: sectorId, title, target_keywords: [title.toLowerCase()] },
      });
      tasks.push(res.body.data);
    }
    await scriptFaults(key, { latency_ms: 10, stream_delay_ms: 12 });
    const before = (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data;
    const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
      token: owner.token,
      body: { ids: tasks.map((t) => t.id) },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const taskId = start.body.data.task_id as string;

    // Wait until two articles are finished and the third is streaming, then cancel.
    const deadline = Date.now() + 60_000;
    while ((await job(taskId)).batches_done < 2) {
      if (Date.now() > deadline) throw new Error('two articles never finished');
      await new Promise((r) => setTimeout(r, 20));
    }
    const cancelled = await call('POST', `/api/v1/system/jobs/${taskId}/cancel/`, { token: owner.token });
    expect([200, 202], JSON.stringify(cancelled.body)).toContain(cancelled.status);
    const end = await waitForJob(owner, taskId);

    expect(end.status).toBe('cancelled');
    const delivered = end.result.delivered as number;
    expect(delivered).toBeGreaterThanOrEqual(2);
    expect(delivered).toBeLessThan(4);
    expect(end.credits_charged).toBe(3 * delivered);
    expect(end.message).toMatch(
      new RegExp(`^Cancelled by .+: ${delivered} of 4 articles delivered, ${3 * delivered} credits charged$`),
    );

    const after = (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data;
    expect(after).toMatchObject({ balance: before.balance - 3 * delivered, reserved: 0 });

    const listed = (await call('GET', `/api/v1/writer/tasks/?site_id=${siteId}`, { token: owner.token })).body
      .results as { id: number; status: string; content_id: number | null }[];
    const completed = listed.filter((t) => t.status === 'completed');
    expect(completed).toHaveLength(delivered);
    expect(listed.filter((t) => t.status === 'queued')).toHaveLength(4 - delivered);

    const shard = (await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
      .bind(owner.accountId)
      .first<{ shard: string }>())!.shard;
    const rows = (
      await (env as unknown as Record<string, D1Database>)
        [shard]!.prepare('SELECT id, task_id FROM content WHERE account_id = ? ORDER BY id')
        .bind(owner.accountId)
        .all<{ id: number; task_id: number }>()
    ).results;
    for (const row of rows) {
      const room = draftRoomOf(env, owner.accountId, row.id);
      const [snapshot, generation] = await Promise.all([room.snapshotHtml(), room.generation()]);
      expect(generation.status, `draft of task ${row.task_id}`).not.toBe('generating');
      const isDelivered = completed.some((t) => t.id === row.task_id);
      // A delivered article stays in its draft; an unfinished one is taken out (nobody paid for it).
      if (isDelivered) expect(snapshot.html).toMatch(/<h2>/);
      else expect(snapshot.html).toBe('');
    }

    // The ledger says the same: one hold, one capture of what was delivered.
    const ledger = (
      await (env as unknown as Record<string, D1Database>)
        [shard]!.prepare(
          'SELECT transaction_type AS type, amount, description FROM ' +
            'credit_transactions WHERE account_id = ? AND job_id = ? ORDER BY id',
        )
        .bind(owner.accountId, taskId)
        .all<{ type: string; amount: number; description: string }>()
    ).results;
    expect(ledger.map((r) => [r.type, r.amount])).toEqual([
      ['reservation', -12],
      ['capture', 12 - 3 * delivered],
    ]);
    expect(ledger[1]!.description).toContain(`${delivered} of 4 articles delivered`);
  });
});
