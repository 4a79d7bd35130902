import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageFileKey } from '../../core/media/image-keys';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, type Session } from '../helpers/api';
import {
  type AccountFx,
  expectError,
  listAllIds,
  ownersOnOneShard,
  populateAccount,
  shardBinding,
  type SiteFx,
} from '../helpers/fixtures';

/**
 * Bulk work on Content and Review (issue 14 item 9): move many articles to review or back to draft,
 * and delete many, by the rows checked or by "all N matching" (the list's filter). A delete takes
 * each article with what only means something through it (images and their files, scores, pages,
 * link suggestions; its task goes back to the queue) in one batch, and is refused whole while one
 * of them is scheduled or being written by the AI. Viewers never write; other accounts are never reached.
 */

const db = (fx: AccountFx) => shardBinding(fx.shard);

/** `n` articles in a site's sector, made in SQL: every third is "Rose …", the rest "Tulip …"; all drafts. */
async function seedArticles(fx: AccountFx, site: SiteFx, n: number, label: string) {
  const now = Date.now();
  await db(fx)
    .prepare(
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
       INSERT INTO content (account_id, site_id, sector_id, title, status, source, created_at, updated_at)
       SELECT ?, ?, ?, (CASE WHEN i % 3 = 0 THEN 'Rose ' ELSE 'Tulip ' END) || ? || ' ' || i, 'draft', 'ai', ?, ?
         FROM s`,
    )
    .bind(fx.accountId, site.id, site.sectorId, label, now, now)
    .run();
}

async function articles(fx: AccountFx, siteId: number, where = '1') {
  const { results } = await db(fx)
    .prepare(`SELECT id, title, status, status_changed_by_user_id AS mover FROM content
               WHERE account_id = ? AND site_id = ? AND ${where} ORDER BY id`)
    .bind(fx.accountId, siteId)
    .all<{ id: number; title: string; status: string; mover: number | null }>();
  return results;
}

/** Every id the Content list shows for a query (all pages), the way the table counts "all N matching". */
const listed = (s: Session, filter: Record<string, string | number>) => listAllIds(s, '/api/v1/writer/content', filter);

let fx: AccountFx;
let other: AccountFx;
let owner: Session;

beforeAll(async () => {
  // Two accounts on one shard: their ids share one sequence, so the other's ids are real rows there.
  const { pair } = await ownersOnOneShard('cbulk');
  owner = pair[0];
  fx = await populateAccount(owner, 'cbulk');
  other = await populateAccount(pair[1], 'cother');
  await seedArticles(fx, fx.granted, 30, 'mine');
  await seedArticles(fx, fx.ungranted, 6, 'hidden');
  await seedArticles(other, other.granted, 30, 'theirs');
});

describe('moving many articles between draft and review', () => {
  it('moves every article the filter shows, records who did it, and skips scheduled ones', async () => {
    const site = fx.granted;
    const roses = await articles(fx, site.id, "title LIKE 'Rose%'");
    // One rose is scheduled: it keeps its publish time.
    await db(fx)
      .prepare(`UPDATE content SET status = 'scheduled', publish_at = ? WHERE id = ?`)
      .bind(Date.now() + 86_400_000, roses[0]!.id)
      .run();
    const filter = { site_id: site.id, search: 'rose' };
    const shown = await listed(owner, filter);
    expect(shown).toEqual(roses.map((r) => r.id));

    const res = await call('POST', '/api/v1/writer/content/bulk_update_status/', {
      token: fx.members.editor.token,
      body: { filter, expected_count: shown.length, status: 'review' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ updated: roses.length - 1, skipped_scheduled: 1, status: 'review' });
    expect(res.body.message).toBe(`Moved ${roses.length - 1} articles to review. 1 scheduled article kept its time.`);

    const after = await articles(fx, site.id);
    for (const row of after) {
      const expected = row.id === roses[0]!.id ? 'scheduled' : row.title.startsWith('Rose') ? 'review' : 'draft';
      expect(row.status, row.title).toBe(expected);
      if (expected === 'review') expect(row.mover).toBe(fx.members.editor.userId);
    }
    // The Review queue shows them, and the inventory pages (the Linker's) say review too.
    expect((await listed(owner, { site_id: site.id, status: 'review' })).length).toBe(roses.length - 1);
    const pages = await db(fx)
      .prepare(`SELECT count(*) AS n FROM site_pages WHERE account_id = ? AND site_id = ? AND kind = 'content'
                 AND status = 'review'`)
      .bind(fx.accountId, site.id)
      .first<{ n: number }>();
    expect(pages?.n).toBe(roses.length - 1);

    // And back to draft by ids, from the Review queue.
    const back = await call('POST', '/api/v1/writer/content/bulk_update_status/', {
      token: owner.token,
      body: { ids: roses.slice(1, 3).map((r) => r.id), status: 'draft' },
    });
    expect(back.status).toBe(200);
    expect(back.body.data.updated).toBe(2);
    expect((await articles(fx, site.id, "status = 'review'")).length).toBe(roses.length - 3);
  });

  it('refuses a status the review queue does not set, viewers, and rows the user cannot reach', async () => {
    const site = fx.granted;
    const [first] = await articles(fx, site.id);
    const bad = await call('POST', '/api/v1/writer/content/bulk_update_status/', {
      token: owner.token,
      body: { ids: [first!.id], status: 'published' },
    });
    expectError(bad, 400, 'validation_error');
    const viewer = await call('POST', '/api/v1/writer/content/bulk_update_status/', {
      token: fx.members.viewer.token,
      body: { ids: [first!.id], status: 'review' },
    });
    expect(viewer.status).toBe(403);
    // The editor is not granted the second site: its articles are "not found", by ids and by filter.
    const [hidden] = await articles(fx, fx.ungranted.id);
    const byIds = await call('POST', '/api/v1/writer/content/bulk_update_status/', {
      token: fx.members.editor.token,
      body: { ids: [hidden!.id], status: 'review' },
    });
    expect(byIds.status).toBe(404);
    const byFilter = await call('POST', '/api/v1/writer/content/bulk_update_status/', {
      token: fx.members.editor.token,
      body: { filter: { site_id: fx.ungranted.id }, status: 'review' },
    });
    expect(byFilter.status).toBe(404);
    // Another account's article ids are real rows on this shard, and still not found.
    const [theirs] = await articles(other, other.granted.id);
    const cross = await call('POST', '/api/v1/writer/content/bulk_update_status/', {
      token: owner.token,
      body: { ids: [theirs!.id], status: 'review' },
    });
    expect(cross.status).toBe(404);
    expect((await articles(other, other.granted.id, "status = 'draft'")).length).toBe(30);
    expect((await articles(fx, fx.ungranted.id, "status = 'draft'")).length).toBe(6);
  });
});

describe('deleting many articles', () => {
  it('deletes exactly the articles the filter shows, with images and files, scores and pages', async () => {
    const site = fx.granted;
    const tulips = await articles(fx, site.id, "title LIKE 'Tulip%'");
    const target = tulips.slice(0, 5).map((r) => r.id);
    const count = async (sql: string, ...binds: unknown[]) =>
      (
        await db(fx)
          .prepare(sql)
          .bind(...binds)
          .first<{ n: number }>()
      )?.n;
    // The first tulip has an image with a file, a score, a page, a link suggestion and a task that wrote it.
    const a = fx.accountId;
    const article = target[0]!;
    const image = await db(fx)
      .prepare(`INSERT INTO images (account_id, site_id, sector_id, content_id, image_type, prompt, status, created_at,
                  updated_at) VALUES (?, ?, ?, ?, 'featured', 'tulips', 'generated', 0, 0) RETURNING id`)
      .bind(a, site.id, site.sectorId, article)
      .first<{ id: number }>();
    const key = imageFileKey(a, site.id, image!.id, 'job-1', 'png');
    await env.MEDIA.put(key, new Uint8Array([1, 2, 3]));
    const task = await db(fx)
      .prepare(`INSERT INTO tasks (account_id, site_id, sector_id, title, status, content_id, created_at, updated_at)
                VALUES (?, ?, ?, 'Tulip task', 'completed', ?, 0, 0) RETURNING id`)
      .bind(a, site.id, site.sectorId, article)
      .first<{ id: number }>();
    await db(fx)
      .prepare(`INSERT INTO content_scores (account_id, site_id, content_id, score, band, scorer_version, words,
                  categories, scored_at) VALUES (?, ?, ?, 50, 'medium', 1, 900, '{}', 0)`)
      .bind(a, site.id, article)
      .run();
    expect(
      await count('SELECT count(*) AS n FROM content_scores WHERE account_id = ? AND content_id = ?', a, article),
    ).toBe(1);
    // Narrow the list to these five with a search only they match: rename them.
    await db(fx)
      .prepare(`UPDATE content SET title = 'Doomed ' || id WHERE id IN (SELECT value FROM json_each(?))`)
      .bind(JSON.stringify(target))
      .run();
    const filter = { site_id: site.id, search: 'doomed' };
    const shown = await listed(owner, filter);
    expect(shown).toEqual(target);
    const before = await articles(fx, site.id);

    const res = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: fx.members.editor.token,
      body: { filter, expected_count: shown.length },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ deleted: 5 });
    expect(res.body.message).toBe('Deleted 5 articles.');
    expect((await articles(fx, site.id)).map((r) => r.id)).toEqual(
      before.map((r) => r.id).filter((id) => !target.includes(id)),
    );
    expect(await count('SELECT count(*) AS n FROM images WHERE account_id = ? AND content_id = ?', a, article)).toBe(0);
    expect(await env.MEDIA.head(key)).toBeNull();
    expect(
      await count('SELECT count(*) AS n FROM content_scores WHERE account_id = ? AND content_id = ?', a, article),
    ).toBe(0);
    const freed = await db(fx).prepare('SELECT content_id, status FROM tasks WHERE id = ?').bind(task!.id).first();
    expect(freed).toEqual({ content_id: null, status: 'queued' });
    expect((await articles(other, other.granted.id)).length).toBe(30);
  });

  it('refuses the whole selection while one article is scheduled or being written, deleting nothing', async () => {
    const site = fx.granted;
    const [scheduled] = await articles(fx, site.id, "status = 'scheduled'");
    const drafts = await articles(fx, site.id, "status = 'draft'");
    const some = [scheduled!.id, ...drafts.slice(0, 2).map((r) => r.id)];
    const refused = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: owner.token,
      body: { ids: some },
    });
    expectError(refused, 409, 'content_scheduled');
    expect(refused.body.error).toContain(`“${scheduled!.title}” is scheduled: unschedule it before deleting it.`);

    // The AI starts writing two of the drafts.
    const writing = drafts.slice(2, 4);
    for (const row of writing) {
      await draftRoomOf(env, fx.accountId, row.id).beginGeneration({ job_id: `job-${row.id}`, title: row.title });
    }
    const busy = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: owner.token,
      body: { ids: drafts.slice(0, 6).map((r) => r.id) },
    });
    expectError(busy, 409, 'content_generating');
    expect(busy.body.error).toBe(
      `2 of these articles are being written by the AI (“${writing[0]!.title}”, “${writing[1]!.title}”): ` +
        'wait until they finish, then delete them.',
    );
    expect((await articles(fx, site.id)).length).toBe(25);
  });

  it('keeps viewers out, refuses a moved selection, and caps a delete at 500 articles', async () => {
    const site = fx.granted;
    const viewer = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: fx.members.viewer.token,
      body: { filter: { site_id: site.id } },
    });
    expect(viewer.status).toBe(403);
    const moved = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: owner.token,
      body: { filter: { site_id: site.id }, expected_count: 3 },
    });
    expectError(moved, 409, 'selection_changed');
    expect(moved.body.error).toContain('25 content items match now');

    await seedArticles(fx, fx.ungranted, 500, 'many');
    const large = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: owner.token,
      body: { filter: { site_id: fx.ungranted.id } },
    });
    expectError(large, 400, 'selection_too_large');
    expect(large.body.error).toBe('506 articles match: delete at most 500 at once.');
    const byIds = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: owner.token,
      body: { ids: Array.from({ length: 501 }, (_, i) => i + 1) },
    });
    expectError(byIds, 400, 'validation_error');
    // 500 by filter go in one request.
    const fits = await call('POST', '/api/v1/writer/content/bulk_delete/', {
      token: owner.token,
      body: { filter: { site_id: fx.ungranted.id, search: 'many' } },
    });
    expect(fits.status, JSON.stringify(fits.body)).toBe(200);
    expect(fits.body.data.deleted).toBe(500);
    expect((await articles(fx, fx.ungranted.id)).length).toBe(6);
  });
});

describe('the Optimizer on all N matching', () => {
  it('scores every article the filter shows, and no other', async () => {
    const site = fx.granted;
    const roses = await articles(fx, site.id, "title LIKE 'Rose%'");
    const filter = { site_id: site.id, search: 'rose' };
    const res = await call('POST', '/api/v1/optimizer/analyze/', {
      token: fx.members.editor.token,
      body: { filter, expected_count: roses.length },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(
      res.body.data.map((r: { content_id: number }) => r.content_id).sort((x: number, y: number) => x - y),
    ).toEqual(roses.map((r) => r.id));
    const moved = await call('POST', '/api/v1/optimizer/analyze/', {
      token: owner.token,
      body: { filter, expected_count: roses.length + 1 },
    });
    expectError(moved, 409, 'selection_changed');
    const both = await call('POST', '/api/v1/optimizer/analyze/', {
      token: owner.token,
      body: { filter, content_ids: [roses[0]!.id] },
    });
    expectError(both, 400, 'validation_error');
  });

  it('keeps viewers and unreachable sites out, and AI fixes to their batch of 50', async () => {
    const viewer = await call('POST', '/api/v1/optimizer/optimize/', {
      token: fx.members.viewer.token,
      body: { filter: { site_id: fx.granted.id }, actions: ['intro'] },
    });
    expect(viewer.status).toBe(403);
    // The editor is not granted the second site: it is "not found".
    const hidden = await call('POST', '/api/v1/optimizer/optimize/', {
      token: fx.members.editor.token,
      body: { filter: { site_id: fx.ungranted.id }, actions: ['intro'] },
    });
    expect(hidden.status).toBe(404);
    const theirs = await call('POST', '/api/v1/optimizer/optimize/', {
      token: owner.token,
      body: { filter: { site_id: other.granted.id }, actions: ['intro'] },
    });
    expect(theirs.status).toBe(404);
    await seedArticles(fx, fx.ungranted, 55, 'extra');
    const large = await call('POST', '/api/v1/optimizer/optimize/', {
      token: owner.token,
      body: { filter: { site_id: fx.ungranted.id, search: 'extra' }, expected_count: 55, actions: ['intro'] },
    });
    expectError(large, 400, 'selection_too_large');
    expect(large.body.error).toBe('55 articles match: fix at most 50 at once (narrow the filter).');
  });
});
