import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createSite, signup } from '../helpers/api';
import { waitForJob } from '../helpers/jobs';

/**
 * The seed's largest content batch (50 tasks per generate_content job) through the real
 * coordinator and D1: every multi-row statement must stay under D1's 100 bound parameters.
 * (Drafts for 6+ tasks were one INSERT of 7 rows × 17 parameters: every such job failed.)
 */
describe('the seed batch size for content', () => {
  it('50 tasks → 50 articles in one job', async () => {
    const owner = await signup('batch-50');
    const siteId = (await createSite(owner, 'Batch Site')).id;
    const sectorId = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
    ).body.data.id;
    const shard = (await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
      .bind(owner.accountId)
      .first<{ shard: string }>())!.shard;
    const db = (env as unknown as Record<string, D1Database>)[shard]!;
    await db.prepare('UPDATE credit_balances SET balance = 1000 WHERE account_id = ?').bind(owner.accountId).run();
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await call('POST', '/api/v1/writer/tasks/', {
        token: owner.token,
        body: {
          site_id: siteId,
          sector_id: sectorId,
          title: `Garden topic ${i + 1}`,
          target_keywords: [`garden topic ${i + 1}`],
        },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.data.id);
    }
    const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
      token: owner.token,
      body: { ids },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id, 120_000);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 150, batches_total: 50 });
    expect(job.result.articles).toBe(50);
    const written = await db
      .prepare("SELECT COUNT(*) AS n FROM content WHERE account_id = ? AND html_content LIKE '%<h2>%'")
      .bind(owner.accountId)
      .first<{ n: number }>();
    expect(written!.n).toBe(50);
    const completed = await db
      .prepare(
        "SELECT COUNT(*) AS n FROM tasks WHERE account_id = ? AND status = 'completed' AND content_id IS NOT NULL",
      )
      .bind(owner.accountId)
      .first<{ n: number }>();
    expect(completed!.n).toBe(50);
  }, 180_000);
});
