import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { roomName } from '../../durable-objects/draft-room/protocol';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, createSite, signup, type Session } from '../helpers/api';
import { waitForJob } from '../helpers/jobs';
import { openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * Generated images go into the live draft, through the real coordinator and dev model: each
 * in-article image right after its H2 section (the featured image never goes in the body),
 * regenerating changes the src of the node already there, deleting takes it out, placing twice
 * leaves one node, and an editor who has the draft open sees all of it happen.
 */
type Image = {
  id: number;
  image_type: 'featured' | 'in_article';
  after_section: number | null;
  alt: string;
  r2_key: string | null;
  status: string;
};

let owner: Session;
let contentId: number;
let editor: DraftClient;

const srcOf = (image: Image) => `/media/${image.r2_key}`;
const nodesOf = (html: string, imageId: number) => html.split(`/images/${imageId}/`).length - 1;

async function listImages(): Promise<Image[]> {
  return (await call('GET', `/api/v1/writer/images/?content_id=${contentId}`, { token: owner.token })).body.results;
}

async function draftHtml(): Promise<string> {
  const res = await call('GET', `/api/v1/writer/content/${contentId}/draft/`, { token: owner.token });
  expect(res.status).toBe(200);
  return res.body.data.html;
}

/** The editor's image nodes, as y-prosemirror holds them. */
function editorImages(): Record<string, string>[] {
  return editor.fragment
    .toArray()
    .filter((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === 'image')
    .map((n) => n.getAttributes() as Record<string, string>);
}

/** The image sits in section k: after the k-th `<h2>`, before the next one, after the section's last block. */
function expectInSection(html: string, image: Image) {
  const h2s = [...html.matchAll(/<h2>/g)].map((m) => m.index!);
  const tag = `<img src="${srcOf(image)}"`;
  const at = html.indexOf(tag);
  const k = image.after_section!;
  expect(at, `image ${image.id} in the draft`).toBeGreaterThan(h2s[k]!);
  if (k + 1 < h2s.length) expect(at).toBeLessThan(h2s[k + 1]!);
  const rest = html.slice(html.indexOf('>', at) + 1);
  expect(
    rest === '' || rest.startsWith('<h2>') || rest.startsWith('<img '),
    `what follows image ${image.id}: ${rest.slice(0, 40)}`,
  ).toBe(true);
}

beforeAll(async () => {
  owner = await signup('imgdraft');
  const site = await createSite(owner, 'Image Draft Site');
  const sector = (
    await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: site.id, name: 'Garden' } })
  ).body.data.id;
  const task = (
    await call('POST', '/api/v1/writer/tasks/', {
      token: owner.token,
      body: { site_id: site.id, sector_id: sector, title: 'Growing garlic', target_keywords: ['how to grow garlic'] },
    })
  ).body.data;
  const written = await waitForJob(
    owner,
    (
      await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
        token: owner.token,
        body: { ids: [task.id] },
      })
    ).body.data.task_id,
  );
  expect(written.status).toBe('succeeded');
  contentId = (await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data.content_id;
  const prompts = await waitForJob(
    owner,
    (await call('POST', '/api/v1/writer/images/generate_prompts/', { token: owner.token, body: { ids: [contentId] } }))
      .body.data.task_id,
  );
  expect(prompts.status).toBe('succeeded');
  editor = await openDraft(contentId, owner.token);
  await editor.synced;
});

afterAll(() => editor?.close());

describe('generated images in the live draft', () => {
  it(
    'places each in-article image after its section, ' + 'live at a connected editor, and never the featured image',
    async () => {
      const before = await draftHtml();
      expect(before).not.toContain('<img');
      const pending = await listImages();
      const gen = await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/images/generate/', {
            token: owner.token,
            body: { ids: pending.map((i) => i.id) },
          })
        ).body.data.task_id,
      );
      expect(gen.status).toBe('succeeded');
      const generated = await listImages();
      const inArticle = generated.filter((i) => i.image_type === 'in_article');
      const featured = generated.find((i) => i.image_type === 'featured')!;
      expect(inArticle.length).toBeGreaterThanOrEqual(2);
      expect(featured.status).toBe('generated');

      // The editor who had the draft open got them on the same socket.
      await editor.until('the images at the editor', () => inArticle.every((i) => editor.html().includes(srcOf(i))));
      expect(editorImages()).toEqual(expect.arrayContaining(inArticle.map((i) => ({ src: srcOf(i), alt: i.alt }))));
      expect(editorImages()).toHaveLength(inArticle.length);

      const html = await draftHtml();
      for (const image of inArticle) {
        expect(nodesOf(html, image.id)).toBe(1);
        expectInSection(html, image);
      }
      expect(nodesOf(html, featured.id)).toBe(0);
      // Nothing else changed: the article around the images is the one written before.
      expect(html.replace(/<img [^>]*>/g, '')).toBe(before);

      // Saved like any edit: a restarted room still has them.
      const stub = env.DRAFT_ROOM.get(env.DRAFT_ROOM.idFromName(roomName(owner.accountId, contentId)));
      await runInDurableObject(stub, (_i, state: DurableObjectState) => state.abort('test: restart')).catch(
        () => undefined,
      );
      expect((await draftRoomOf(env, owner.accountId, contentId).snapshotHtml()).html).toBe(html);
      editor.close();
      editor = await openDraft(contentId, owner.token);
      await editor.synced;
      expect(editor.html()).toBe(html);
    },
  );

  it('regenerating an image changes the src of its node in place: still one node', async () => {
    const image = (await listImages()).find((i) => i.image_type === 'in_article')!;
    const before = await draftHtml();
    const job = await waitForJob(
      owner,
      (await call('POST', `/api/v1/writer/images/${image.id}/regenerate/`, { token: owner.token })).body.data.task_id,
    );
    expect(job.status).toBe('succeeded');
    const again = (await listImages()).find((i) => i.id === image.id)!;
    expect(again.r2_key).not.toBe(image.r2_key);
    await editor.until('the new file at the editor', () => editor.html().includes(srcOf(again)));
    const html = await draftHtml();
    expect(nodesOf(html, image.id)).toBe(1);
    expect(html).not.toContain(srcOf(image));
    expect(html).toBe(before.replace(srcOf(image), srcOf(again)));
  });

  it('placing the same image twice leaves one node', async () => {
    const image = (await listImages()).find((i) => i.image_type === 'in_article')!;
    const room = draftRoomOf(env, owner.accountId, contentId);
    const before = await draftHtml();
    const placement = { imageId: image.id, src: srcOf(image), alt: image.alt, afterSection: image.after_section };
    expect(await room.placeImage(placement)).toMatchObject({ kind: 'unchanged', nodes: 1 });
    expect(await room.placeImage(placement)).toMatchObject({ kind: 'unchanged', nodes: 1 });
    expect(await draftHtml()).toBe(before);

    // Taken out (by an editor) and placed twice: back once, at the end of its section.
    expect(await room.removeImage(image.id)).toMatchObject({ removed: 1 });
    expect(await room.placeImage(placement)).toMatchObject({ kind: 'inserted', nodes: 1 });
    expect(await room.placeImage(placement)).toMatchObject({ kind: 'unchanged', nodes: 1 });
    const html = await draftHtml();
    expect(nodesOf(html, image.id)).toBe(1);
    expectInSection(html, image);
  });

  it('deleting an image takes its node out of the draft, live at the editor', async () => {
    const images = await listImages();
    const image = images.find((i) => i.image_type === 'in_article')!;
    const others = images.filter((i) => i.image_type === 'in_article' && i.id !== image.id);
    await editor.until('the image at the editor', () => editor.html().includes(`/images/${image.id}/`));
    const res = await call('DELETE', `/api/v1/writer/images/${image.id}/`, { token: owner.token });
    expect(res.status).toBe(200);
    const html = await draftHtml();
    expect(nodesOf(html, image.id)).toBe(0);
    for (const other of others) expect(nodesOf(html, other.id)).toBe(1);
    await editor.until('the image gone at the editor', () => !editor.html().includes(`/images/${image.id}/`));
  });

  it('new prompts take out a node left by an image job that placed it and then failed', async () => {
    // As a failed job leaves it: the file stored and placed, but the row never saved as generated.
    const generated = (await listImages()).find((i) => i.image_type === 'in_article' && i.status === 'generated')!;
    const orphanKey =
      `accounts/${owner.accountId}/sites/${generated.r2_key!.split('/')[3]}` + `/images/${generated.id}/failed-job.png`;
    const shard = await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
      .bind(owner.accountId)
      .first<{ shard: string }>();
    const db = (env as unknown as Record<string, D1Database>)[shard!.shard]!;
    await db
      .prepare(`UPDATE images SET status = 'failed', r2_key = NULL WHERE account_id = ? AND id = ?`)
      .bind(owner.accountId, generated.id)
      .run();
    await draftRoomOf(env, owner.accountId, contentId).placeImage({
      imageId: generated.id,
      src: `/media/${orphanKey}`,
      alt: generated.alt,
      afterSection: generated.after_section,
    });
    expect(nodesOf(await draftHtml(), generated.id)).toBe(1);

    const job = await waitForJob(
      owner,
      (
        await call('POST', '/api/v1/writer/images/generate_prompts/', {
          token: owner.token,
          body: { ids: [contentId] },
        })
      ).body.data.task_id,
    );
    expect(job.status).toBe('succeeded');
    expect(nodesOf(await draftHtml(), generated.id)).toBe(0);
    expect((await listImages()).some((i) => i.id === generated.id)).toBe(false);
    await editor.until('the orphan gone at the editor', () => !editor.html().includes(`/images/${generated.id}/`));
  });
});
