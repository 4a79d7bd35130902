import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOSE_DOCUMENT_DELETED } from '../../core/realtime/close-codes';
import { roomName, versionPrefix } from '../../durable-objects/draft-room/protocol';
import { addMember, call, createSite, signup, type Session } from '../helpers/api';
import { shardBinding, shardOf } from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import { openDraft } from '../helpers/yjs-socket';

/**
 * The editor's rename and delete: a rename goes through the shared draft (every editor sees the new
 * title, the row follows); a delete takes the article with its images (rows and files), score,
 * inventory page and link suggestions, frees its task to be written again, and is refused to
 * viewers and while the AI is still writing it. The generation map says how many sections to expect.
 */
let owner: Session;
let siteId: number;
let taskId: number;
let contentId: number;

const get = (path: string, who: Session = owner) => call('GET', path, { token: who.token });

beforeAll(async () => {
  owner = await signup('rendel');
  siteId = (await createSite(owner, 'Rename Delete Site')).id;
  const sector = (
    await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
  ).body.data.id;
  // Through an idea with an outline, so the draft knows how many sections to expect.
  const outline = ['Choosing leeks', 'Sowing', 'Planting out', 'Harvest'].map((h2) => ({ h2, coverage: '' }));
  const idea = (
    await call('POST', '/api/v1/planner/ideas/', {
      token: owner.token,
      body: {
        site_id: siteId,
        sector_id: sector,
        idea_title: 'Growing leeks',
        outline,
        target_keywords: ['how to grow leeks'],
      },
    })
  ).body.data;
  await call('POST', '/api/v1/planner/ideas/create_tasks/', { token: owner.token, body: { ids: [idea.id] } });
  taskId = (await get(`/api/v1/writer/tasks/?site_id=${siteId}`)).body.results[0].id;
  const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
    token: owner.token,
    body: { ids: [taskId] },
  });
  expect((await waitForJob(owner, start.body.data.task_id)).status).toBe('succeeded');
  contentId = (await get(`/api/v1/writer/tasks/${taskId}/`)).body.data.content_id;
  const prompts = await call('POST', '/api/v1/writer/images/generate_prompts/', {
    token: owner.token,
    body: { ids: [contentId] },
  });
  expect((await waitForJob(owner, prompts.body.data.task_id)).status).toBe('succeeded');
  const pending = (await get(`/api/v1/writer/images/?content_id=${contentId}`)).body.results;
  const made = await call('POST', '/api/v1/writer/images/generate/', {
    token: owner.token,
    body: { ids: pending.map((i: { id: number }) => i.id) },
  });
  expect((await waitForJob(owner, made.body.data.task_id)).status).toBe('succeeded');
});

describe('the article from the editor', () => {
  it('says how many sections the AI was asked to write', async () => {
    const draft = await openDraft(contentId, owner.token);
    await draft.synced;
    const generation = draft.doc.getMap('generation');
    expect(generation.get('status')).toBe('done');
    expect(generation.get('total')).toBe(4);
    expect(generation.get('sections')).toBe(4);
    draft.close();
  });

  it('renames through the draft: open editors and the row get the new title', async () => {
    const draft = await openDraft(contentId, owner.token);
    await draft.synced;
    const res = await call('PATCH', `/api/v1/writer/content/${contentId}/`, {
      token: owner.token,
      body: { title: 'Leeks, from seed to soup' },
    });
    expect(res.status).toBe(200);
    await draft.until('the new title at the editor', () => {
      const title = draft.doc.getMap('meta').get('title');
      return String(title ?? '') === 'Leeks, from seed to soup';
    });
    expect((await get(`/api/v1/writer/content/${contentId}/`)).body.data.title).toBe('Leeks, from seed to soup');
    draft.close();
  });

  it('deletes the article with its images, score and page; viewers may not', async () => {
    const viewer = await addMember(owner, 'viewer', [siteId]);
    expect((await call('DELETE', `/api/v1/writer/content/${contentId}/`, { token: viewer.token })).status).toBe(403);

    const images = (await get(`/api/v1/writer/images/?content_id=${contentId}`)).body.results as {
      r2_key: string | null;
    }[];
    const keys = images.map((i) => i.r2_key).filter((k): k is string => !!k);
    expect(keys.length).toBeGreaterThan(0);

    // An editor has the draft open, and a named version was saved.
    const version = await call('POST', `/api/v1/writer/content/${contentId}/versions/`, {
      token: owner.token,
      body: { name: 'Before the delete' },
    });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    const versions = versionPrefix(owner.accountId, siteId, contentId);
    expect((await env.MEDIA.list({ prefix: versions })).objects.length).toBe(1);
    const editor = await openDraft(contentId, owner.token);
    await editor.synced;

    const res = await call('DELETE', `/api/v1/writer/content/${contentId}/`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.message).toContain('Leeks, from seed to soup');
    // The editor is told and disconnected; the draft's stored document and its versions are gone.
    expect(await editor.closed()).toEqual({ code: CLOSE_DOCUMENT_DELETED, reason: 'This article was deleted.' });
    const room = env.DRAFT_ROOM.get(env.DRAFT_ROOM.idFromName(roomName(owner.accountId, contentId)));
    await vi.waitFor(async () => {
      expect((await env.MEDIA.list({ prefix: versions })).objects).toEqual([]);
      const stored = await runInDurableObject(room, (_instance, state: DurableObjectState) => state.storage.list());
      expect([...stored.keys()]).toEqual([]);
    });

    expect((await get(`/api/v1/writer/content/${contentId}/`)).status).toBe(404);
    expect((await get(`/api/v1/writer/images/?content_id=${contentId}`)).body.count).toBe(0);
    for (const key of keys) expect(await env.MEDIA.head(key)).toBeNull();
    const task = (await get(`/api/v1/writer/tasks/${taskId}/`)).body.data;
    expect(task).toMatchObject({ content_id: null, status: 'queued' });

    const db = shardBinding(await shardOf(owner.accountId));
    const left = async (table: string, column = 'content_id') =>
      (
        await db
          .prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ? AND ${column} = ?`)
          .bind(owner.accountId, contentId)
          .first<{ n: number }>()
      )?.n;
    expect(await left('content_scores')).toBe(0);
    expect(await left('link_suggestions')).toBe(0);
    expect(await left('site_pages', 'ref_id')).toBe(0);

    // Deleting again: it is gone.
    expect((await call('DELETE', `/api/v1/writer/content/${contentId}/`, { token: owner.token })).status).toBe(404);
  });
});
