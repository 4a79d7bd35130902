import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ShardName } from '../../worker/db/shards';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, createSite, signup, type Session } from '../helpers/api';
import { shardBinding } from '../helpers/fixtures';
import { devModelUrl, scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';
import { openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * Issue 9 scope 4: whatever shape an article reply takes, the draft an editor has open holds
 * exactly the article that was saved and charged — so the editor's next keystroke (projected from
 * the draft into the content row) keeps the article instead of replacing it. The bug: an untidy
 * reply streamed nothing into the draft, the save wrote the row, and the first keystroke
 * projected a one-word draft over it.
 */
type Raw = { raw: string | null; finish_reason?: 'stop' | 'length' };

async function scriptRaw(apiKey: string, entries: (Raw | string)[]) {
  const res = await fetch(`${devModelUrl()}/__dev/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: apiKey, script: entries }),
  });
  if (!res.ok) throw new Error(`script refused: ${res.status} ${await res.text()}`);
}

let owner: Session;
let siteId: number;
let sectorId: number;
let shard: ShardName;
const apiKey = `sk-articles-${Date.now()}`;
const open: DraftClient[] = [];

const balance = async () =>
  (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data as {
    balance: number;
    reserved: number;
  };

async function row(contentId: number) {
  return (await shardBinding(shard)
    .prepare('SELECT html_content, title, word_count FROM content WHERE account_id = ? AND id = ?')
    .bind(owner.accountId, contentId)
    .first<{ html_content: string; title: string; word_count: number }>())!;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Appends a paragraph the way an editor does (y-prosemirror's shape). */
function typeParagraph(client: DraftClient, value: string) {
  client.doc.transact(() => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(value)]);
    client.fragment.insert(client.fragment.length, [p]);
  });
}

/**
 * A task whose draft exists (a first job the model refuses creates it and fails) with an editor
 * connected to it over the room's socket, as someone watching Writer → Content would be.
 */
async function taskWithOpenDraft(title: string) {
  const task = (
    await call('POST', '/api/v1/writer/tasks/', {
      token: owner.token,
      body: { site_id: siteId, sector_id: sectorId, title, target_keywords: ['raised bed garden'] },
    })
  ).body.data;
  await scriptRaw(apiKey, [{ raw: "I'm sorry, but I can't help with that." }]);
  const first = await waitForJob(
    owner,
    (
      await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
        token: owner.token,
        body: { ids: [task.id] },
      })
    ).body.data.task_id,
  );
  expect(first.status).toBe('failed');
  const contentId = (await shardBinding(shard)
    .prepare('SELECT id FROM content WHERE account_id = ? AND task_id = ?')
    .bind(owner.accountId, task.id)
    .first<{ id: number }>())!.id;
  const editor = await openDraft(contentId, owner.token);
  open.push(editor);
  await editor.synced;
  return { task, contentId, editor };
}

async function generate(taskId: number, raw: Raw) {
  await scriptRaw(apiKey, [raw]);
  const before = await balance();
  const job = await waitForJob(
    owner,
    (await call('POST', '/api/v1/writer/tasks/auto_generate_content/', { token: owner.token, body: { ids: [taskId] } }))
      .body.data.task_id,
  );
  return { job, before };
}

beforeAll(async () => {
  owner = await signup('articles');
  await useOwnModelKey(owner, apiKey);
  siteId = (await createSite(owner, 'Article replies')).id;
  sectorId = (
    await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
  ).body.data.id;
  shard = (await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
    .bind(owner.accountId)
    .first<{ shard: ShardName }>())!.shard;
});

afterAll(() => {
  for (const c of open) c.close();
});

const J = JSON.stringify;
const meta = {
  title: 'Raised beds',
  meta_title: 'Raised beds | Guide',
  meta_description: 'All about raised beds.',
  primary_keyword: 'raised bed garden',
};

const untidy: [string, Raw, { title: string; texts: string[]; h2: string[] }][] = [
  [
    'a Markdown article (no JSON at all)',
    {
      raw:
        '# Raised beds for beginners\n\nA raised bed warms up early.\n\n' +
        '## Why build one\n\nBeds **drain** well and [soil](https://example.com/soil) stays loose.\n\n' +
        '## How to fill it\n\n- Topsoil\n- Compost\n',
    },
    {
      title: 'Raised beds for beginners',
      texts: [
        '<p>A raised bed warms up early.</p>',
        '<strong>drain</strong>',
        'href="https://example.com/soil"',
        'Topsoil',
        'Compost',
      ],
      h2: ['Why build one', 'How to fill it'],
    },
  ],
  [
    'sections whose bodies are fenced (```html and ```markdown)',
    {
      raw: J({
        ...meta,
        sections: [
          { h2: 'Why', html: '```html\n<p>Beds drain well.</p>\n```' },
          { h2: 'How', html: '```markdown\nBuild a **frame**.\n```' },
        ],
      }),
    },
    { title: 'Raised beds', texts: ['<p>Beds drain well.</p>', '<strong>frame</strong>'], h2: ['Why', 'How'] },
  ],
  [
    'an HTML article without sections',
    {
      raw:
        'Here is the article:\n\n<h1>Cedar beds</h1><p>Cedar lasts.</p>' +
        '<h2>Why cedar</h2><p>It resists rot.</p><h2>Cost</h2><p>More, but worth it.</p>',
    },
    {
      title: 'Cedar beds',
      texts: ['Cedar lasts.', 'It resists rot.', 'More, but worth it.'],
      h2: ['Why cedar', 'Cost'],
    },
  ],
  [
    'Python-quoted JSON (nothing streams while it arrives)',
    {
      raw: J({
        ...meta,
        sections: [
          { h2: 'Why', html: '<p>Beds drain well.</p>' },
          { h2: 'How', html: '<p>Build a frame.</p>' },
        ],
      }).replace(/"/g, "'"),
    },
    { title: 'Raised beds', texts: ['Beds drain well.', 'Build a frame.'], h2: ['Why', 'How'] },
  ],
];

describe('an editor types into the draft right after an untidy article arrived', () => {
  it.each(untidy)('%s: the article survives in the draft and in the content row', async (_name, raw, expected) => {
    const { task, contentId, editor } = await taskWithOpenDraft(`Task ${_name}`);
    const { job, before } = await generate(task.id, raw);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 3 });
    expect(await balance()).toMatchObject({ balance: before.balance - 3, reserved: 0 });
    // The saved and charged article is what the draft holds, and the connected editor has it.
    const saved = await row(contentId);
    expect(saved.title).toBe(expected.title);
    for (const h of expected.h2) expect(saved.html_content).toContain(`<h2>${h}</h2>`);
    for (const t of expected.texts) expect(saved.html_content).toContain(t);
    // Read as what it was written in: no fence or Markdown marks left as text.
    expect(saved.html_content).not.toMatch(/```|\*\*|^#|>#/);
    expect((await draftRoomOf(env, owner.accountId, contentId).snapshotHtml()).html).toBe(saved.html_content);
    await editor.until('the article in the editor', () => editor.html() === saved.html_content);
    expect((await draftRoomOf(env, owner.accountId, contentId).generation()).status).toBe('done');

    // The keystroke: projected into the row (the room saves 2 s after the last change).
    typeParagraph(editor, 'Edited');
    const after = await until(
      'the edit in the content row',
      () => row(contentId),
      (r) => r.html_content.includes('Edited'),
    );
    expect(after.html_content).toBe(`${saved.html_content}<p>Edited</p>`);
    for (const t of expected.texts) expect(after.html_content).toContain(t);
    expect((await draftRoomOf(env, owner.accountId, contentId).snapshotHtml()).html).toBe(after.html_content);
  });
});

describe('a Markdown article streams into the draft', () => {
  it(
    'section by section; what an editor types meanwhile stays, next to the ' +
      'whole article, in the draft and the row',
    async () => {
      const { task, contentId, editor } = await taskWithOpenDraft('Streamed Markdown');
      const rest = Array.from(
        { length: 6 },
        (_, i) => `## Step ${i + 1}\n\nDo the ${i + 1}th thing carefully and check the soil before moving on.\n`,
      ).join('\n');
      const md = `# Streamed beds\n\n## Why\n\nBeds drain.\n\n${rest}`;
      // Slow enough for the editor to see the first section arrive while the rest is still coming.
      await scriptFaults(apiKey, { stream_delay_ms: 25 });
      try {
        await scriptRaw(apiKey, [{ raw: md }]);
        const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
          token: owner.token,
          body: { ids: [task.id] },
        });
        await editor.until(
          'the first section while the AI writes',
          () =>
            editor.html().includes('<h2>Why</h2>') && editor.doc.getMap('generation').get('status') === 'generating',
        );
        expect(editor.html()).not.toContain('Step 6');
        typeParagraph(editor, 'Live note');
        const job = await waitForJob(owner, start.body.data.task_id);
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 3 });
      } finally {
        await scriptFaults(apiKey, { stream_delay_ms: 8 });
      }
      const saved = await row(contentId);
      expect(saved.title).toBe('Streamed beds');
      expect(saved.html_content).toContain('<p>Live note</p>');
      expect(saved.html_content).toContain('<h2>Why</h2><p>Beds drain.</p>');
      for (let i = 1; i <= 6; i++) expect(saved.html_content).toContain(`<h2>Step ${i}</h2>`);
      expect((await draftRoomOf(env, owner.accountId, contentId).snapshotHtml()).html).toBe(saved.html_content);
      await editor.until('the whole article in the editor', () => editor.html() === saved.html_content);
    },
  );
});

describe('a section that cannot be read', () => {
  it('fails the job before anything is charged; the draft is put back and says stopped, not generating', async () => {
    const { task, contentId, editor } = await taskWithOpenDraft('Broken section');
    // Two good sections stream into the draft first; the third has no body.
    const raw = {
      raw: J({
        ...meta,
        sections: [
          { h2: 'Why', html: '<p>Beds drain well.</p>' },
          { h2: 'How', html: '<p>Build a frame.</p>' },
          { h2: 'Care' },
        ],
      }),
    };
    const { job, before } = await generate(task.id, raw);
    expect(job.status).toBe('failed');
    expect(job.error).toBe('The AI reply could not be used: section 3 of the article could not be read');
    expect(await balance()).toEqual({ ...before, reserved: 0 });
    expect((await row(contentId)).html_content).toBe('');
    const room = draftRoomOf(env, owner.accountId, contentId);
    expect(await room.generation()).toMatchObject({ status: 'stopped' });
    expect((await room.snapshotHtml()).html).toBe('');
    await editor.until(
      'the draft put back in the editor',
      () => editor.html() === '' && editor.doc.getMap('generation').get('status') === 'stopped',
    );
    expect((await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data).toMatchObject({
      status: 'queued',
      content_id: null,
    });
  });

  it('the draft keeps what it had before the job when the reply is unusable', async () => {
    const { task, contentId, editor } = await taskWithOpenDraft('Kept draft');
    typeParagraph(editor, 'My notes');
    await until(
      'the notes in the content row',
      () => row(contentId),
      (r) => r.html_content === '<p>My notes</p>',
    );
    const { job } = await generate(task.id, {
      raw: J({ ...meta, sections: [{ h2: 'Why', html: '<p>x</p>' }, { h2: 'How' }] }),
    });
    expect(job.status).toBe('failed');
    expect((await draftRoomOf(env, owner.accountId, contentId).snapshotHtml()).html).toBe('<p>My notes</p>');
    expect((await row(contentId)).html_content).toBe('<p>My notes</p>');
    await editor.until('the notes back in the editor', () => editor.html() === '<p>My notes</p>');
  });
});
