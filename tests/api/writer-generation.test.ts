import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, createSite, signup, type Session } from '../helpers/api';
import { scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';

/** Planner → writer: tasks from ideas, articles written by the AI into their drafts, charged on success. */
describe('content generation', () => {
  let owner: Session;
  let siteId: number;
  let taskIds: number[];

  beforeAll(async () => {
    owner = await signup('writer');
    siteId = (await createSite(owner, 'Writer Site')).id;
    const sector = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
    ).body.data.id;
    const csv =
      'keyword,volume\nraised bed garden,900\nraised bed soil,500\n' +
      'how to build a raised bed,700\ncedar raised bed,300\n';
    await call('POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sector}`, {
      token: owner.token,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    const ids = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${siteId}`, { token: owner.token })
    ).body.results.map((k: { id: number }) => k.id);
    await waitForJob(
      owner,
      (await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } })).body.data
        .task_id,
    );
    const clusters = (await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}`, { token: owner.token })).body
      .results;
    await waitForJob(
      owner,
      (
        await call('POST', '/api/v1/planner/clusters/auto_generate_ideas/', {
          token: owner.token,
          body: { ids: [clusters[0].id], ideas_per_cluster: 3 },
        })
      ).body.data.task_id,
    );
    const ideas = (await call('GET', `/api/v1/planner/ideas/?site_id=${siteId}`, { token: owner.token })).body.results;
    expect(
      (
        await call('POST', '/api/v1/writer/tasks/bulk_create_from_ideas/', {
          token: owner.token,
          body: { ids: ideas.slice(0, 2).map((i: { id: number }) => i.id) },
        })
      ).status,
    ).toBe(201);
    taskIds = (await call('GET', `/api/v1/writer/tasks/?site_id=${siteId}`, { token: owner.token })).body.results.map(
      (t: { id: number }) => t.id,
    );
  });

  it('writes each article into its draft following the outline, 3 credits per article', async () => {
    const before = (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data.balance;
    const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
      token: owner.token,
      body: { ids: taskIds },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job).toMatchObject({ status: 'succeeded', credits_charged: 3 * taskIds.length });
    expect(job.result.following_outline).toBe(taskIds.length);
    expect((await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data.balance).toBe(
      before - 3 * taskIds.length,
    );

    const tasks = (await call('GET', `/api/v1/writer/tasks/?site_id=${siteId}`, { token: owner.token })).body.results;
    for (const task of tasks) {
      expect(task.status).toBe('completed');
      const draft = await draftRoomOf(env, owner.accountId, task.content_id).snapshotHtml();
      expect(draft.html).toMatch(/<h2>/);
      const idea = (await call('GET', `/api/v1/planner/ideas/${task.idea_id}/`, { token: owner.token })).body.data;
      for (const section of idea.outline) expect(draft.html).toContain(section.h2.replace(/&/g, '&amp;'));
    }
  });

  it('fails cleanly on a broken reply: nothing charged, the draft left as it was', async () => {
    const key = `sk-writer-${Date.now()}`;
    await useOwnModelKey(owner, key);
    await scriptFaults(key, { script: ['truncated'] });
    const task = (
      await call('POST', '/api/v1/writer/tasks/', {
        token: owner.token,
        body: {
          site_id: siteId,
          sector_id: (
            await call('GET', `/api/v1/auth/sectors/?site_id=${siteId}`, { token: owner.token })
          ).body.results[0].id,
          title: 'Mulch basics',
          target_keywords: ['mulch'],
        },
      })
    ).body.data;
    const before = (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data;
    const job = await waitForJob(
      owner,
      (
        await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
          token: owner.token,
          body: { ids: [task.id] },
        })
      ).body.data.task_id,
    );
    expect(job.status).toBe('failed');
    expect((await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data).toMatchObject({
      balance: before.balance,
      reserved: 0,
    });
    const contentId = (await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data
      .content_id;
    expect(contentId).toBeNull(); // the task never got its content
    // …and it is back in the queue, not stuck "in progress" behind a job that has ended.
    expect((await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data.status).toBe(
      'queued',
    );
    const draft = await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
      .bind(owner.accountId)
      .first<{ shard: string }>();
    const row = await (env as unknown as Record<string, D1Database>)
      [draft!.shard]!.prepare('SELECT id, html_content FROM content WHERE account_id = ? AND task_id = ?')
      .bind(owner.accountId, task.id)
      .first<{ id: number; html_content: string }>();
    expect(row!.html_content).toBe('');
    expect((await draftRoomOf(env, owner.accountId, row!.id).snapshotHtml()).html).toBe('');
  });
});

describe('images', () => {
  it(
    'extracts prompts, generates images into R2, ' + 'serves them with access checks, regenerates and deletes',
    async () => {
      const owner = await signup('images');
      const site = await createSite(owner, 'Image Site');
      const sector = (
        await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: site.id, name: 'Garden' } })
      ).body.data.id;
      const task = (
        await call('POST', '/api/v1/writer/tasks/', {
          token: owner.token,
          body: {
            site_id: site.id,
            sector_id: sector,
            title: 'Composting at home',
            target_keywords: ['how to compost at home'],
          },
        })
      ).body.data;
      await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
            token: owner.token,
            body: { ids: [task.id] },
          })
        ).body.data.task_id,
      );
      const contentId = (await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data
        .content_id;

      const prompts = await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/images/generate_prompts/', {
            token: owner.token,
            body: { ids: [contentId] },
          })
        ).body.data.task_id,
      );
      expect(prompts.status).toBe('succeeded');
      const pending = (await call('GET', `/api/v1/writer/images/?content_id=${contentId}`, { token: owner.token })).body
        .results;
      expect(pending.filter((i: { image_type: string }) => i.image_type === 'featured')).toHaveLength(1);
      expect(
        pending.every((i: { status: string; prompt: string }) => i.status === 'pending' && i.prompt.length > 10),
      ).toBe(true);

      const before = (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data.balance;
      const gen = await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/images/generate/', {
            token: owner.token,
            body: { ids: pending.map((i: { id: number }) => i.id) },
          })
        ).body.data.task_id,
      );
      expect(gen).toMatchObject({ status: 'succeeded', credits_charged: pending.length });
      expect((await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data.balance).toBe(
        before - pending.length,
      );
      const generated = (await call('GET', `/api/v1/writer/images/?content_id=${contentId}`, { token: owner.token }))
        .body.results;
      const featured = generated.find((i: { image_type: string }) => i.image_type === 'featured');
      expect(featured).toMatchObject({ status: 'generated', mime_type: 'image/png', width: 1792, height: 1024 });
      expect(featured.url).toBe(`/media/${featured.r2_key}`);

      const file = await (exports as any).default.fetch(
        new Request(`http://localhost${featured.url}`, { headers: { authorization: `Bearer ${owner.token}` } }),
      );
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/png');
      expect(file.headers.get('cache-control')).toMatch(/private.*immutable/);
      expect(new Uint8Array(await file.arrayBuffer()).slice(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
      const stranger = await signup('stranger');
      expect(
        (
          await (exports as any).default.fetch(
            new Request(`http://localhost${featured.url}`, { headers: { authorization: `Bearer ${stranger.token}` } }),
          )
        ).status,
      ).toBe(404);
      expect((await (exports as any).default.fetch(new Request(`http://localhost${featured.url}`))).status).toBe(401);

      const again = await waitForJob(
        owner,
        (await call('POST', `/api/v1/writer/images/${featured.id}/regenerate/`, { token: owner.token })).body.data
          .task_id,
      );
      expect(again.status).toBe('succeeded');
      const regenerated = (await call('GET', `/api/v1/writer/images/${featured.id}/`, { token: owner.token })).body
        .data;
      expect(regenerated.r2_key).not.toBe(featured.r2_key);

      // The list filters by type and finds images by the words of their prompt or alt text.
      const byType = (
        await call('GET', `/api/v1/writer/images/?content_id=${contentId}&image_type=featured`, { token: owner.token })
      ).body;
      expect(byType.results.map((i: { id: number }) => i.id)).toEqual([featured.id]);
      const word = featured.prompt.split(/\s+/).find((w: string) => w.length > 6)!;
      const found = (
        await call('GET', `/api/v1/writer/images/?content_id=${contentId}&search=${encodeURIComponent(word)}`, {
          token: owner.token,
        })
      ).body.results;
      expect(found.length).toBeGreaterThan(0);
      expect(
        found.every((i: { prompt: string; alt: string }) =>
          `${i.prompt} ${i.alt}`.toLowerCase().includes(word.toLowerCase()),
        ),
      ).toBe(true);

      // A regeneration the provider refuses keeps the image it had (status and file), charging nothing.
      const key = `sk-images-${Date.now()}`;
      await useOwnModelKey(owner, key);
      await scriptFaults(key, { script: ['refusal', 'refusal', 'refusal'] });
      const refused = await waitForJob(
        owner,
        (await call('POST', `/api/v1/writer/images/${featured.id}/regenerate/`, { token: owner.token })).body.data
          .task_id,
      );
      expect(refused.status).toBe('failed');
      expect(
        (await call('GET', `/api/v1/writer/images/${featured.id}/`, { token: owner.token })).body.data,
      ).toMatchObject({ status: 'generated', r2_key: regenerated.r2_key });
      expect((await call('DELETE', `/api/v1/writer/images/${featured.id}/`, { token: owner.token })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(await env.MEDIA.get(regenerated.r2_key)).toBeNull();
      // The file of the first generation goes too: regenerations don't leave files behind.
      expect(await env.MEDIA.get(featured.r2_key)).toBeNull();
    },
  );
});
