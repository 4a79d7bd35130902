import { env, exports } from 'cloudflare:workers';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { draftFragment } from '../../core/draft';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { ORIGIN, call, signup, type Res, type Session } from '../helpers/api';
import {
  MEMBER_ROLES,
  MISSING_ID,
  ownersOnOneShard,
  populateAccount,
  shardBinding,
  shardOf,
  type AccountFx,
  type SiteFx,
} from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import {
  Matrix,
  manages,
  sameIds,
  type Case,
  type Caller,
  type Scope,
  type Who,
  notFoundsThatDiffer,
  siteTargets,
} from '../helpers/matrix';
import { insertContent, insertImage, pngBytes, type ContentRow } from '../helpers/wordpress';
import { connectDraft } from '../helpers/yjs-socket';

/**
 * The tenancy proof for the Writer, media and Publisher. Two accounts on ONE shard (only
 * account_id separates their rows), each with owner, admin, editor and viewer; editor and viewer
 * granted site 1 only. Every route × every identity × own granted / own ungranted / other
 * account's / missing ids, with the exact status each must get — including GET /media/<key>
 * (Bearer and cookie) and the DraftRoom socket upgrade, where a viewer is let in read-only.
 */
const W = '/api/v1/writer';
const PUB = '/api/v1/publisher';
const OPT = '/api/v1/optimizer';
const LNK = '/api/v1/linker';
const matrix = new Matrix();

/** One site's writer rows. `image` is generated again by the matrix; `media` (its file) never changes. */
interface WriterSite {
  label: string;
  accountId: number;
  siteId: number;
  sectorId: number;
  clusterId: number;
  ideaId: number;
  taskId: number;
  contentId: number;
  content: ContentRow | null;
  imageId: number;
  mediaImageId: number;
  mediaKey: string;
  mediaPng: string;
  versionId: string;
  versionKey: string;
  /** A failed publish (the site has no WordPress settings): the record it left. */
  recordId: number;
  /** A pending link suggestion in the article (its anchor resolves nowhere: accepting it turns it stale). */
  suggestionId: number;
}
interface WriterFx {
  granted: WriterSite;
  ungranted: WriterSite;
}

let A: AccountFx;
let B: AccountFx;
let crossShard: { owner: Session; site: WriterSite };
const writer = new Map<number, WriterFx>();
const fx = (acct: { accountId: number }) => writer.get(acct.accountId)!;
let n = 0;
const unique = (what: string) => `${what} ${++n}`;
/**
 * What the matrix can't see from the status alone: the error code of a refusal, and what a socket
 * could actually do once upgraded. Collected per run and asserted empty with the matrix.
 */
const sideProblems: string[] = [];

const post = (s: Session, path: string, body: unknown, headers?: Record<string, string>) =>
  call('POST', path, { token: s.token, body, headers });
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const ARTICLE =
  '<h2>Why compost</h2><p>Compost feeds the soil and the worms.</p>' +
  '<h2>How to start</h2><p>Mix greens and browns, keep it damp, turn it weekly.</p>';

/** Creates through the API what the API creates, and the files (images in R2) underneath it. */
async function seedSite(
  owner: Session,
  acct: Pick<AccountFx, 'accountId' | 'shard'>,
  label: string,
  site: SiteFx,
): Promise<WriterSite> {
  const fxLike = acct as AccountFx;
  const cluster = await post(owner, '/api/v1/planner/clusters/', {
    site_id: site.id,
    sector_id: site.sectorId,
    name: `${label} compost`,
  });
  expect(cluster.status, JSON.stringify(cluster.body)).toBe(201);
  const idea = await post(owner, '/api/v1/planner/ideas/', {
    site_id: site.id,
    sector_id: site.sectorId,
    cluster_id: cluster.body.data.id,
    idea_title: `${label} composting guide`,
  });
  expect(idea.status, JSON.stringify(idea.body)).toBe(201);
  const task = await post(owner, `${W}/tasks/`, {
    site_id: site.id,
    sector_id: site.sectorId,
    cluster_id: cluster.body.data.id,
    title: `${label} compost basics`,
    target_keywords: ['compost'],
  });
  expect(task.status, JSON.stringify(task.body)).toBe(201);
  const content = await insertContent(fxLike, site, {
    title: `${label} compost article`,
    html_content: ARTICLE,
    source: 'manual',
    status: 'draft',
  });
  const colour = ++n; // every site's file is a different PNG
  const png = await pngBytes([(colour * 37) % 256, (colour * 71) % 256, 200]);
  const image = await insertImage(
    fxLike,
    content,
    { image_type: 'in_article', prompt: `${label} a steaming compost heap`, alt: 'compost heap', after_section: 0 },
    { bytes: await pngBytes([10, 20, 30]), type: 'image/png' },
  );
  const media = await insertImage(
    fxLike,
    content,
    { image_type: 'featured', prompt: `${label} a garden`, alt: 'garden' },
    { bytes: png, type: 'image/png' },
  );
  const version = await post(owner, `${W}/content/${content.id}/versions/`, { name: `${label} first version` });
  expect(version.status, JSON.stringify(version.body)).toBe(201);
  const publish = await post(owner, `${PUB}/content/${content.id}/publish/`, { status: 'draft' });
  expect([publish.status, publish.body.code], JSON.stringify(publish.body)).toEqual([422, 'wp_not_configured']);
  const now = Date.now();
  const suggestion = await shardBinding(acct.shard)
    .prepare(
      `INSERT INTO link_suggestions (account_id, site_id, content_id, target_page_id, target_url, anchor_text,
                                     anchor_start, anchor_end, created_at, updated_at)
       VALUES (?, ?, ?, 0, '/nowhere/', 'compost', 'AAAA', 'AAAA', ?, ?) RETURNING id`,
    )
    .bind(acct.accountId, site.id, content.id, now, now)
    .first<{ id: number }>();
  return {
    label,
    accountId: acct.accountId,
    siteId: site.id,
    sectorId: site.sectorId,
    clusterId: cluster.body.data.id,
    ideaId: idea.body.data.id,
    taskId: task.body.data.id,
    contentId: content.id,
    content,
    imageId: image.id,
    mediaImageId: media.id,
    mediaKey: media.r2_key!,
    mediaPng: b64(png),
    versionId: version.body.data.id,
    versionKey:
      `accounts/${acct.accountId}/sites/${site.id}` + `/content/${content.id}/versions/${version.body.data.id}.yjs`,
    recordId: publish.body.record.id,
    suggestionId: suggestion!.id,
  };
}

beforeAll(async () => {
  const { pair, others } = await ownersOnOneShard('wtenancy');
  A = await populateAccount(pair[0], 'A');
  B = await populateAccount(pair[1], 'B');
  for (const acct of [A, B]) {
    const owner = acct.members.owner;
    writer.set(acct.accountId, {
      granted: await seedSite(owner, acct, `${acct.label}1`, acct.granted),
      ungranted: await seedSite(owner, acct, `${acct.label}2`, acct.ungranted),
    });
    // The AI cases start real jobs (articles 3 credits, images 1): the trial's credits cover them.
    const balance = await call('GET', '/api/v1/billing/balance/', { token: owner.token });
    expect(balance.body.data.balance).toBeGreaterThanOrEqual(200);
  }
  let owner = others[0] ?? (await signup('wcross'));
  while ((await shardOf(owner.accountId)) === A.shard) owner = await signup('wcross');
  const site = (await post(owner, '/api/v1/auth/sites/', { name: 'C site' })).body.data;
  const sector = (await post(owner, '/api/v1/auth/sectors/', { site_id: site.id, name: 'C sector' })).body.data;
  crossShard = {
    owner,
    site: await seedSite(owner, { accountId: owner.accountId, shard: await shardOf(owner.accountId) }, 'C', {
      id: site.id,
      sectorId: sector.id,
    }),
  };
}, 180_000);

afterAll(() => {
  console.log(`tenancy cases tried: ${matrix.tried}`);
});

const identities = (): Who[] =>
  [A, B].flatMap((acct) =>
    MEMBER_ROLES.map((role) => ({
      label: `${acct.label}.${role}`,
      role,
      s: acct.members[role],
      acct,
      other: acct === A ? B : A,
    })),
  );

const MISSING: WriterSite = {
  label: 'missing',
  accountId: MISSING_ID,
  siteId: MISSING_ID,
  sectorId: MISSING_ID,
  clusterId: MISSING_ID,
  ideaId: MISSING_ID,
  taskId: MISSING_ID,
  contentId: MISSING_ID,
  content: null,
  imageId: MISSING_ID,
  mediaImageId: MISSING_ID,
  mediaKey: '',
  mediaPng: '',
  versionId: '20240101T000000000Z-missing',
  versionKey: '',
  recordId: MISSING_ID,
  suggestionId: MISSING_ID,
};
const asOwner = (w: Who) => w.acct.members.owner;

/** The code every refusal of the matrix must carry (422: publishing to a site without WordPress settings). */
const CODE_OF: Record<number, string> = { 403: 'permission_denied', 404: 'not_found', 422: 'wp_not_configured' };

async function run(cases: Case[]) {
  sideProblems.length = 0;
  const checked = cases.map((c) => ({
    ...c,
    request: async () => {
      const res = await c.request();
      const code = CODE_OF[res.status];
      if (code && res.status === c.expect && res.body?.code !== code)
        sideProblems.push(`${c.who.label} ${c.what}: ${res.status} with code ${res.body?.code}, expected ${code}`);
      return res;
    },
  }));
  await matrix.run(checked);
  expect(sideProblems).toEqual([]);
}

const jobDone = (w: Who) => async (r: Res) => {
  const job = await waitForJob(w.s, r.body.data.task_id, 45_000);
  return job.status === 'succeeded' ? undefined : `job ended ${job.status}: ${job.error}`;
};
const allOfSite = (siteId: number) => (r: Res) =>
  r.body.results.length && r.body.results.every((x: { site_id: number }) => x.site_id === siteId)
    ? undefined
    : `rows of other sites (or none): ${JSON.stringify(r.body.results.map((x: { site_id: number }) => x.site_id))}`;
const none = (r: Res) => (r.body.count === 0 && r.body.results.length === 0 ? undefined : `${r.body.count} rows`);
const isId = (id: number | string) => (r: Res) => (r.body.data.id === id ? undefined : `wrong row ${r.body.data.id}`);

// ---------------------------------------------------------------- raw requests: files and sockets

/**
 * The media cookie a browser gets for `token` (POST /api/v1/auth/tickets/, purpose media): a media
 * ticket, never the access token. A refused request gives no cookie (the value then is '').
 */
async function mediaCookie(token: string): Promise<string> {
  const res = await call('POST', '/api/v1/auth/tickets/', { token, body: { purpose: 'media' } });
  return /igny8_media=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
}

/**
 * GET /media/<key> with a Bearer token, the media cookie, or neither. A served file has no JSON
 * envelope: it is described as one (its type and bytes) so the matrix's invariants still apply.
 */
async function media(
  key: string,
  auth: { bearer?: string; cookie?: string },
  headers: Record<string, string> = {},
): Promise<Res> {
  const h: Record<string, string> = { ...headers };
  if (auth.bearer) h.authorization = `Bearer ${auth.bearer}`;
  if (auth.cookie) h.cookie = `igny8_media=${auth.cookie}`;
  const res: Response = await (exports as any).default.fetch(new Request(`${ORIGIN}/media/${key}`, { headers: h }));
  if (res.status === 200) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    return {
      status: 200,
      headers: res.headers,
      body: {
        success: true,
        request_id: res.headers.get('x-request-id') ?? 'media file',
        data: { content_type: res.headers.get('content-type'), b64: b64(bytes), size: bytes.length },
      },
    };
  }
  return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
}

/**
 * The DraftRoom upgrade as a browser sends it. When it is accepted (101), the socket types a
 * paragraph and the room is read: a viewer's paragraph must never land, anyone else's must. A 101
 * has no body: it is described as an envelope for the matrix.
 */
async function draftSocket(
  who: Caller,
  p: WriterSite,
  token: string,
  expectWrite: boolean,
  headers: Record<string, string> = {},
): Promise<Res> {
  const res = await connectDraft(p.contentId, token, { Upgrade: 'websocket', ...headers });
  if (res.status !== 101 || !res.webSocket)
    return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
  const ws = res.webSocket;
  ws.accept();
  const marker = unique(`typed by ${who.label} over the socket`);
  const doc = new Y.Doc();
  let update: Uint8Array | undefined;
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.transact(() => {
    const para = new Y.XmlElement('paragraph');
    para.insert(0, [new Y.XmlText(marker)]);
    draftFragment(doc).insert(0, [para]);
  });
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // y-websocket: sync message
  syncProtocol.writeUpdate(e, update!);
  ws.send(encoding.toUint8Array(e));
  const room = draftRoomOf(env, p.accountId, p.contentId);
  // A read-only socket gets a full second to (wrongly) land its paragraph; a writer's usually lands in milliseconds.
  const deadline = Date.now() + (expectWrite ? 10_000 : 1000);
  let landed = false;
  while (!landed && Date.now() < deadline) {
    landed = (await room.snapshotHtml()).html.includes(marker);
    if (!landed) await new Promise((r) => setTimeout(r, 25));
  }
  ws.close(1000, 'test done');
  if (landed !== expectWrite)
    sideProblems.push(
      `${who.label} socket on content ${p.contentId}: ` +
        `${landed ? 'a read-only socket wrote into the draft' : 'a read-write socket could not write'}`,
    );
  return {
    status: 101,
    headers: res.headers,
    body: { success: true, request_id: 'websocket upgrade', data: { wrote: landed } },
  };
}

// ---------------------------------------------------------------- disposable rows for deletes

async function disposableTask(owner: Session, p: WriterSite) {
  const res = await post(owner, `${W}/tasks/`, {
    site_id: p.siteId,
    sector_id: p.sectorId,
    title: unique('disposable task'),
  });
  return res.body.data.id as number;
}
async function disposableImage(acct: AccountFx, p: WriterSite) {
  return (
    await insertImage(
      acct,
      p.content!,
      { image_type: 'in_article', prompt: unique('disposable image') },
      { bytes: await pngBytes([1, 2, 3]), type: 'image/png' },
    )
  ).id;
}

// ---------------------------------------------------------------- the matrix

/** Every route on one site's rows, for one identity. */
function siteCases(w: Who): Case[] {
  return siteTargets(w, fx(w.acct), fx(w.other), MISSING).flatMap(
    ({ name, scope, p, visible, read, write, manage, writable }) => {
      const owner = asOwner(w);
      const t = w.s.token;
      const c = (
        what: string,
        isWrite: boolean,
        expectStatus: number,
        rest: Pick<Case, 'request'> & Partial<Case>,
      ): Case => ({
        who: w,
        what: `${what} [${name}]`,
        scope,
        write: isWrite,
        expect: expectStatus,
        ...rest,
      });
      /** A filter value is not a lookup: an unseen content id simply matches nothing (scope: own). */
      const filter = (what: string, request: () => Promise<Res>, verifyVisible: Case['verify']): Case => ({
        who: w,
        what: `${what} [${name}]`,
        scope: 'own',
        write: false,
        expect: 200,
        request,
        verify: visible ? verifyVisible : none,
      });
      const delAsOwner = (path: string) => async () =>
        void expect((await call('DELETE', path, { token: owner.token })).status).toBe(200);
      // The media key of a missing target: the caller's own account and site, a file that isn't there.
      const mediaKey =
        p === MISSING ? `accounts/${w.acct.accountId}/sites/${w.acct.granted.id}/images/no-such-file.png` : p.mediaKey;
      const versionKey =
        p === MISSING
          ? `accounts/${w.acct.accountId}/sites/${w.acct.granted.id}/content/${MISSING_ID}/versions/x.yjs`
          : p.versionKey;
      const samePng = (r: Res) =>
        r.body.data.content_type === 'image/png' && r.body.data.b64 === p.mediaPng ? undefined : 'another file';
      return [
        // tasks
        c('GET tasks?site_id', false, read, {
          request: () => call('GET', `${W}/tasks/?site_id=${p.siteId}`, { token: t }),
          verify: allOfSite(p.siteId),
        }),
        c('GET tasks?site_id&sector_id&search', false, read, {
          request: () =>
            call('GET', `${W}/tasks/?site_id=${p.siteId}&sector_id=${p.sectorId}&search=compost&ordering=-created_at`, {
              token: t,
            }),
          verify: allOfSite(p.siteId),
        }),
        c('GET task', false, read, {
          request: () => call('GET', `${W}/tasks/${p.taskId}/`, { token: t }),
          verify: isId(p.taskId),
        }),
        c('POST task', true, write(201), {
          request: () =>
            post(w.s, `${W}/tasks/`, {
              site_id: p.siteId,
              sector_id: p.sectorId,
              title: unique(`task added by ${w.label}`),
            }),
          verify: (r) => (r.body.data.site_id === p.siteId ? undefined : 'task on another site'),
          cleanup: (r) => delAsOwner(`${W}/tasks/${r.body.data.id}/`)(),
        }),
        c("POST task with the site's own cluster", true, write(201), {
          request: () =>
            post(w.s, `${W}/tasks/`, {
              site_id: p.siteId,
              sector_id: p.sectorId,
              cluster_id: p.clusterId,
              title: unique(`task added by ${w.label}`),
            }),
          cleanup: (r) => delAsOwner(`${W}/tasks/${r.body.data.id}/`)(),
        }),
        c('PATCH task', true, write(), {
          request: () =>
            call('PATCH', `${W}/tasks/${p.taskId}/`, { token: t, body: { description: `touched by ${w.label}` } }),
          verify: isId(p.taskId),
        }),
        c('DELETE task', true, write(), {
          request: async () =>
            call('DELETE', `${W}/tasks/${writable ? await disposableTask(owner, p) : p.taskId}/`, { token: t }),
        }),
        c('POST tasks bulk_delete', true, write(), {
          request: async () =>
            post(w.s, `${W}/tasks/bulk_delete/`, {
              ids: writable ? [await disposableTask(owner, p), await disposableTask(owner, p)] : [p.taskId],
            }),
          verify: (r) => (r.body.data.deleted === 2 ? undefined : `deleted ${r.body.data.deleted}`),
        }),
        c('POST tasks bulk_create_from_ideas', true, write(201), {
          request: () => post(w.s, `${W}/tasks/bulk_create_from_ideas/`, { ids: [p.ideaId] }),
        }),
        c('POST tasks auto_generate_content', true, write(202), {
          request: () => post(w.s, `${W}/tasks/auto_generate_content/`, { ids: [p.taskId] }),
          verify: jobDone(w),
        }),
        // content
        c('GET content?site_id', false, read, {
          request: () => call('GET', `${W}/content/?site_id=${p.siteId}`, { token: t }),
          verify: allOfSite(p.siteId),
        }),
        c('GET content?site_id&sector_id&status', false, read, {
          request: () =>
            call('GET', `${W}/content/?site_id=${p.siteId}&sector_id=${p.sectorId}&source=manual&search=compost`, {
              token: t,
            }),
          verify: allOfSite(p.siteId),
        }),
        c('GET content', false, read, {
          request: () => call('GET', `${W}/content/${p.contentId}/`, { token: t }),
          verify: isId(p.contentId),
        }),
        c('POST content', true, write(201), {
          request: () =>
            post(w.s, `${W}/content/`, {
              site_id: p.siteId,
              sector_id: p.sectorId,
              title: unique(`content added by ${w.label}`),
            }),
          verify: (r) => (r.body.data.site_id === p.siteId ? undefined : 'content on another site'),
        }),
        c('PATCH content', true, write(), {
          request: () =>
            call('PATCH', `${W}/content/${p.contentId}/`, { token: t, body: { excerpt: `touched by ${w.label}` } }),
          verify: isId(p.contentId),
        }),
        c('POST content status', true, write(), {
          request: () => post(w.s, `${W}/content/${p.contentId}/status/`, { status: 'review' }),
          verify: (r) =>
            r.body.data.status === 'review' && r.body.data.status_changed_by_user_id === w.s.userId
              ? undefined
              : 'status not recorded',
        }),
        // the draft and its versions
        c('GET content draft', false, read, {
          request: () => call('GET', `${W}/content/${p.contentId}/draft/`, { token: t }),
          verify: (r) => (r.body.data.content_id === p.contentId ? undefined : 'another draft'),
        }),
        c('GET content versions', false, read, {
          request: () => call('GET', `${W}/content/${p.contentId}/versions/`, { token: t }),
          verify: (r) =>
            r.body.results.some((v: { id: string }) => v.id === p.versionId) ? undefined : 'the version is missing',
        }),
        c('POST content versions', true, write(201), {
          request: () => post(w.s, `${W}/content/${p.contentId}/versions/`, { name: unique(`version by ${w.label}`) }),
        }),
        c('POST content version restore', true, write(), {
          request: () => post(w.s, `${W}/content/${p.contentId}/versions/${p.versionId}/restore/`, undefined),
          verify: (r) => (r.body.data.restored.id === p.versionId ? undefined : 'restored another version'),
        }),
        // images
        c('GET images?site_id', false, read, {
          request: () => call('GET', `${W}/images/?site_id=${p.siteId}`, { token: t }),
          verify: allOfSite(p.siteId),
        }),
        filter(
          'GET images?content_id',
          () => call('GET', `${W}/images/?content_id=${p.contentId}`, { token: t }),
          (r) =>
            r.body.results.length && r.body.results.every((i: { content_id: number }) => i.content_id === p.contentId)
              ? undefined
              : 'images of other content (or none)',
        ),
        c('GET image', false, read, {
          request: () => call('GET', `${W}/images/${p.mediaImageId}/`, { token: t }),
          verify: (r) => (r.body.data.url === `/media/${p.mediaKey}` ? undefined : 'wrong image'),
        }),
        c('POST images generate_prompts', true, write(202), {
          request: () => post(w.s, `${W}/images/generate_prompts/`, { ids: [p.contentId] }),
          verify: jobDone(w),
        }),
        c('POST images generate', true, write(202), {
          request: () => post(w.s, `${W}/images/generate/`, { ids: [p.imageId] }),
          verify: jobDone(w),
        }),
        c('POST image regenerate', true, write(202), {
          request: () => post(w.s, `${W}/images/${p.imageId}/regenerate/`, undefined),
          verify: jobDone(w),
        }),
        c('DELETE image', true, write(), {
          request: async () =>
            call('DELETE', `${W}/images/${writable ? await disposableImage(w.acct, p) : p.mediaImageId}/`, {
              token: t,
            }),
        }),
        // media files
        c('GET /media/<image key> (Bearer)', false, read, {
          request: () => media(mediaKey, { bearer: t }),
          verify: samePng,
        }),
        c('GET /media/<image key> (cookie)', false, read, {
          request: async () => media(mediaKey, { cookie: await mediaCookie(t) }),
          verify: samePng,
        }),
        c('GET /media/<version key> (cookie)', false, read, {
          request: async () => media(versionKey, { cookie: await mediaCookie(t) }),
          verify: (r) => (r.body.data.size > 0 ? undefined : 'empty version'),
        }),
        // socket tickets: issued only for a site or draft the caller can see (201), else 404 like any lookup
        c('POST ticket for the site socket', false, read === 200 ? 201 : read, {
          request: () =>
            call('POST', '/api/v1/auth/tickets/', { token: t, body: { purpose: 'site_socket', site_id: p.siteId } }),
        }),
        c('POST ticket for the draft socket', false, read === 200 ? 201 : read, {
          request: () =>
            call('POST', '/api/v1/auth/tickets/', {
              token: t,
              body: { purpose: 'draft_socket', content_id: p.contentId },
            }),
        }),
        // the live draft
        c('GET /parties/draft-room socket', false, visible ? 101 : 404, {
          request: () => draftSocket(w, p, t, writable),
        }),
        // publisher
        c('GET wordpress settings', false, read, {
          request: () => call('GET', `${PUB}/sites/${p.siteId}/wordpress/`, { token: t }),
          verify: (r) =>
            r.body.data.site_id !== p.siteId
              ? 'another site'
              : JSON.stringify(r.body).includes('password"')
                ? 'password leaked'
                : undefined,
        }),
        c('PUT wordpress settings', true, manage(), {
          request: () =>
            call('PUT', `${PUB}/sites/${p.siteId}/wordpress/`, {
              token: t,
              body: { wp_username: `touched by ${w.label}` },
            }),
          verify: (r) =>
            r.body.data.wp_username === `touched by ${w.label}` && !r.body.data.configured ? undefined : 'not saved',
        }),
        // Without an address and a password, an allowed test or publish stops at the settings step (422).
        c('POST wordpress test', true, manage(422), {
          request: () => post(w.s, `${PUB}/sites/${p.siteId}/wordpress/test/`, {}),
        }),
        c('POST content publish', true, write(422), {
          request: () => post(w.s, `${PUB}/content/${p.contentId}/publish/`, { status: 'publish' }),
        }),
        c('GET publishing record', false, read, {
          request: () => call('GET', `${PUB}/records/${p.recordId}/`, { token: t }),
          verify: isId(p.recordId),
        }),
        // optimizer (issue 11): briefs and scores read like the article; analyze writes its score
        c('GET optimizer brief', false, read, {
          request: () => call('GET', `${OPT}/brief/${p.contentId}/`, { token: t }),
          verify: (r) => (r.body.data.content_id === p.contentId ? undefined : 'the brief of another article'),
        }),
        c('GET optimizer score history', false, read, {
          request: () => call('GET', `${OPT}/scores/${p.contentId}/history/`, { token: t }),
        }),
        c('GET optimizer scores?site_id', false, read, {
          request: () => call('GET', `${OPT}/scores/?site_id=${p.siteId}&ordering=-score`, { token: t }),
          verify: (r) =>
            r.body.results.some((x: { content_id: number }) => x.content_id === p.contentId)
              ? undefined
              : 'the site’s article is missing',
        }),
        c('GET optimizer optimize quote', false, read, {
          request: () =>
            call('GET', `${OPT}/optimize/quote/?content_id=${p.contentId}&actions=intro,meta_description`, {
              token: t,
            }),
        }),
        c('POST optimizer optimize', true, write(202), {
          request: () => post(w.s, `${OPT}/optimize/`, { content_ids: [p.contentId], actions: ['meta_description'] }),
        }),
        // linker (issue 11)
        c('GET linker suggestions?content_id', false, read, {
          request: () => call('GET', `${LNK}/suggestions/?content_id=${p.contentId}`, { token: t }),
          verify: (r) =>
            r.body.data.some((x: { id: number }) => x.id === p.suggestionId) ? undefined : 'the suggestion is missing',
        }),
        c('POST linker suggestion accept', true, write(), {
          request: () => post(w.s, `${LNK}/suggestions/${p.suggestionId}/accept/`, {}),
        }),
        c('POST linker suggestion reject', true, write(), {
          request: () => post(w.s, `${LNK}/suggestions/${p.suggestionId}/reject/`, {}),
        }),
        c('POST linker process', true, write(202), {
          request: () => post(w.s, `${LNK}/process/`, { content_ids: [p.contentId] }),
        }),
        c('GET linker report', false, read, {
          request: () => call('GET', `${LNK}/report/?site_id=${p.siteId}`, { token: t }),
        }),
        c('GET linker settings', false, read, {
          request: () => call('GET', `${LNK}/settings/?site_id=${p.siteId}`, { token: t }),
        }),
        c('PUT linker settings', true, write(), {
          request: () => call('PUT', `${LNK}/settings/?site_id=${p.siteId}`, { token: t, body: { max_links: 6 } }),
        }),
        c('POST optimizer analyze', true, write(), {
          request: () => post(w.s, `${OPT}/analyze/`, { content_ids: [p.contentId] }),
          verify: (r) => (r.body.data[0]?.content_id === p.contentId ? undefined : 'scored another article'),
        }),
        filter(
          'GET publishing records?site_id',
          () => call('GET', `${PUB}/records/?site_id=${p.siteId}`, { token: t }),
          (r) =>
            allOfSite(p.siteId)(r) ??
            (r.body.results.some((x: { id: number }) => x.id === p.recordId) ? undefined : 'the record is missing'),
        ),
        filter(
          'GET publishing records?content_id',
          () => call('GET', `${PUB}/records/?content_id=${p.contentId}`, { token: t }),
          (r) =>
            r.body.results.length && r.body.results.every((x: { content_id: number }) => x.content_id === p.contentId)
              ? undefined
              : 'records of other content (or none)',
        ),
      ];
    },
  );
}

/** Selections and bodies that mix one id of the other account into the caller's own. */
function smuggledCases(w: Who): Case[] {
  const own = fx(w.acct).granted;
  const foreign = fx(w.other).granted;
  const viewerFirst = w.role === 'viewer' ? 403 : 404;
  const c = (what: string, request: () => Promise<Res>, expectStatus = 404): Case => ({
    who: w,
    what: `${what} [own + one foreign id]`,
    scope: 'foreign',
    write: true,
    expect: expectStatus,
    request,
  });
  return [
    c('POST tasks bulk_delete', () => post(w.s, `${W}/tasks/bulk_delete/`, { ids: [own.taskId, foreign.taskId] })),
    c('POST tasks auto_generate_content', () =>
      post(w.s, `${W}/tasks/auto_generate_content/`, { ids: [own.taskId, foreign.taskId] }),
    ),
    c('POST tasks bulk_create_from_ideas', () =>
      post(w.s, `${W}/tasks/bulk_create_from_ideas/`, { ids: [own.ideaId, foreign.ideaId] }),
    ),
    c('POST images generate_prompts', () =>
      post(w.s, `${W}/images/generate_prompts/`, { ids: [own.contentId, foreign.contentId] }),
    ),
    c('POST images generate', () => post(w.s, `${W}/images/generate/`, { ids: [own.imageId, foreign.imageId] })),
    c('POST linker process', () => post(w.s, `${LNK}/process/`, { content_ids: [own.contentId, foreign.contentId] })),
    c('POST optimizer optimize', () =>
      post(w.s, `${OPT}/optimize/`, { content_ids: [own.contentId, foreign.contentId], actions: ['intro'] }),
    ),
    c(
      'POST optimizer analyze',
      () => post(w.s, `${OPT}/analyze/`, { content_ids: [own.contentId, foreign.contentId] }),
      viewerFirst,
    ),
    // A viewer is stopped at the (own, readable) site before the foreign id is looked at.
    c(
      'POST task in own site, foreign sector',
      () => post(w.s, `${W}/tasks/`, { site_id: own.siteId, sector_id: foreign.sectorId, title: 'smuggled' }),
      viewerFirst,
    ),
    c(
      'POST task in own site, foreign cluster',
      () =>
        post(w.s, `${W}/tasks/`, {
          site_id: own.siteId,
          sector_id: own.sectorId,
          cluster_id: foreign.clusterId,
          title: 'smuggled',
        }),
      viewerFirst,
    ),
    c(
      'PATCH own task to a foreign cluster',
      () => call('PATCH', `${W}/tasks/${own.taskId}/`, { token: w.s.token, body: { cluster_id: foreign.clusterId } }),
      viewerFirst,
    ),
    c(
      'POST idea in own site, foreign cluster',
      () =>
        post(w.s, '/api/v1/planner/ideas/', {
          site_id: own.siteId,
          sector_id: own.sectorId,
          cluster_id: foreign.clusterId,
          idea_title: 'smuggled',
        }),
      viewerFirst,
    ),
    c(
      'PATCH own idea to a foreign cluster',
      () =>
        call('PATCH', `/api/v1/planner/ideas/${own.ideaId}/`, {
          token: w.s.token,
          body: { cluster_id: foreign.clusterId },
        }),
      viewerFirst,
    ),
    c(
      'POST content in own site, foreign sector',
      () => post(w.s, `${W}/content/`, { site_id: own.siteId, sector_id: foreign.sectorId, title: 'smuggled' }),
      viewerFirst,
    ),
    c(
      'POST restore a foreign version into own content',
      () => post(w.s, `${W}/content/${own.contentId}/versions/${foreign.versionId}/restore/`, undefined),
      viewerFirst,
    ),
  ];
}

/** Unfiltered lists, filters naming foreign ids, X-Account-ID, and media keys that mix accounts and sites. */
function accountCases(w: Who): Case[] {
  const m = manages(w.role);
  const mine = fx(w.acct);
  const visible = m ? [mine.granted.siteId, mine.ungranted.siteId] : [mine.granted.siteId];
  const foreign = fx(w.other).granted;
  const t = w.s.token;
  const c = (
    what: string,
    scope: Scope,
    write: boolean,
    expectStatus: number,
    rest: Pick<Case, 'request'> & Partial<Case>,
  ): Case => ({ who: w, what, scope, write, expect: expectStatus, ...rest });
  const get = (path: string, headers?: Record<string, string>) => () => call('GET', path, { token: t, headers });
  const onlyVisible = (r: Res) =>
    sameIds([...new Set(r.body.results.map((x: { site_id: number }) => x.site_id))] as number[], visible);
  const asOther = { 'x-account-id': String(w.other.accountId) };
  const file = foreign.mediaKey.split('/').pop();
  return [
    c('GET tasks', 'own', false, 200, { request: get(`${W}/tasks/?page_size=200`), verify: onlyVisible }),
    c('GET content', 'own', false, 200, { request: get(`${W}/content/?page_size=200`), verify: onlyVisible }),
    c('GET images', 'own', false, 200, { request: get(`${W}/images/?page_size=200`), verify: onlyVisible }),
    c('GET publishing records', 'own', false, 200, {
      request: get(`${PUB}/records/?page_size=200`),
      verify: onlyVisible,
    }),
    // A filter value is not a lookup: another account's sector, cluster or content id simply matches nothing.
    c('GET tasks?sector_id=foreign', 'own', false, 200, {
      request: get(`${W}/tasks/?sector_id=${foreign.sectorId}`),
      verify: none,
    }),
    c('GET tasks?cluster_id=foreign', 'own', false, 200, {
      request: get(`${W}/tasks/?cluster_id=${foreign.clusterId}`),
      verify: none,
    }),
    c('GET content?sector_id=foreign', 'own', false, 200, {
      request: get(`${W}/content/?sector_id=${foreign.sectorId}`),
      verify: none,
    }),
    c('GET images?sector_id=foreign', 'own', false, 200, {
      request: get(`${W}/images/?sector_id=${foreign.sectorId}`),
      verify: none,
    }),
    c('GET images?content_id=foreign', 'own', false, 200, {
      request: get(`${W}/images/?content_id=${foreign.contentId}`),
      verify: none,
    }),
    c('GET records?site_id=foreign', 'own', false, 200, {
      request: get(`${PUB}/records/?site_id=${foreign.siteId}`),
      verify: none,
    }),
    c('GET records?content_id=foreign', 'own', false, 200, {
      request: get(`${PUB}/records/?content_id=${foreign.contentId}`),
      verify: none,
    }),
    c('GET content?site_id=missing', 'missing', false, 404, { request: get(`${W}/content/?site_id=${MISSING_ID}`) }),
    c('GET images?site_id=missing', 'missing', false, 404, { request: get(`${W}/images/?site_id=${MISSING_ID}`) }),
    // X-Account-ID from anyone but a developer or the system bot: 403, whatever it names.
    c('GET tasks with X-Account-ID of other account', 'foreign', false, 403, {
      request: get(`${W}/tasks/?site_id=${foreign.siteId}`, asOther),
    }),
    c('GET content with X-Account-ID of other account', 'foreign', false, 403, {
      request: get(`${W}/content/${foreign.contentId}/`, asOther),
    }),
    c('POST auto_generate_content with X-Account-ID of other account', 'foreign', true, 403, {
      request: () => post(w.s, `${W}/tasks/auto_generate_content/`, { ids: [foreign.taskId] }, asOther),
    }),
    c('POST publish with X-Account-ID of other account', 'foreign', true, 403, {
      request: () => post(w.s, `${PUB}/content/${foreign.contentId}/publish/`, {}, asOther),
    }),
    c('GET /media/<foreign key> with X-Account-ID of other account', 'foreign', false, 403, {
      request: () => media(foreign.mediaKey, { bearer: t }, asOther),
    }),
    c('GET /parties/draft-room with X-Account-ID of other account', 'foreign', false, 403, {
      request: () => draftSocket(w, foreign, t, false, asOther),
    }),
    // media keys: the account and the site in the key are both checked, and the key can't climb out.
    c('GET /media/<own account, foreign site>', 'foreign', false, 404, {
      request: () => media(`accounts/${w.acct.accountId}/sites/${foreign.siteId}/images/${file}`, { bearer: t }),
    }),
    c('GET /media/<foreign account, own site>', 'foreign', false, 404, {
      request: async () =>
        media(`accounts/${w.other.accountId}/sites/${mine.granted.siteId}/images/${file}`, {
          cookie: await mediaCookie(t),
        }),
    }),
    c('GET /media/<own key climbing into the foreign one>', 'foreign', false, 404, {
      request: () =>
        media(
          `accounts/${w.acct.accountId}/sites/${mine.granted.siteId}/images/..%2F..%2F..%2F..%2F` +
            foreign.mediaKey.replace(/\//g, '%2F'),
          { bearer: t },
        ),
    }),
    c(
      'GET /media/<foreign key> with a media ticket of own account as the cookie and no header',
      'foreign',
      false,
      404,
      { request: async () => media(foreign.mediaKey, { cookie: await mediaCookie(t) }) },
    ),
    // A client can't claim write access to the room: the Worker sets that header, whatever was sent.
    c('GET /parties/draft-room claiming write access', 'own', false, 101, {
      request: () =>
        draftSocket(w, mine.granted, t, w.role !== 'viewer', {
          'x-igny8-draft-access': 'write',
          'x-igny8-socket-grant': `{"user_id":1,"name":"Someone else","exp":${Date.now() + 3600_000}}`,
        }),
    }),
  ];
}

describe('writer, media and publisher × every identity × own, foreign and missing ids', () => {
  it('site-scoped routes, media files and the draft socket', async () => {
    await run(identities().flatMap(siteCases));
  }, 600_000);

  it('selections and bodies with a foreign id smuggled in', async () => {
    await run(identities().flatMap(smuggledCases));
  });

  it('lists, filters, X-Account-ID and mixed media keys', async () => {
    await run(identities().flatMap(accountCases));
  }, 120_000);

  it(
    'no token, a refresh token, an access token as the media cookie, or a ' +
      'token of nobody: 401 on media and the socket',
    async () => {
      const p = fx(A).granted;
      for (const res of [
        await media(p.mediaKey, {}),
        await media(p.mediaKey, { bearer: 'not-a-jwt' }),
        await media(p.mediaKey, { cookie: A.members.owner.refresh }),
        // The cookie holds a media ticket; the access token itself is refused there.
        await media(p.mediaKey, { cookie: A.members.owner.token }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body.code).toBeTruthy();
      }
      const socket = await connectDraft(p.contentId, null);
      expect(socket.status).toBe(401);
      expect(socket.webSocket).toBeFalsy();
    },
  );

  it('an account on another shard, whose own row ids coincide with theirs, only ever gets its own rows', async () => {
    const o = crossShard.owner;
    const own = crossShard.site;
    const caller = { label: 'C.owner', role: 'owner' as const, acct: { accountId: o.accountId } };
    const c = (what: string, isOwn: boolean, request: () => Promise<Res>, verify?: Case['verify']): Case => ({
      who: caller,
      what,
      scope: isOwn ? 'own' : 'foreign',
      write: false,
      expect: isOwn ? 200 : 404,
      request,
      verify,
    });
    const ownRow = (r: Res) => (r.body.data.site_id === own.siteId ? undefined : "not C's row");
    const cases = [A, B]
      .flatMap((acct) => [fx(acct).granted, fx(acct).ungranted])
      .flatMap((p) => [
        c(
          `GET task ${p.taskId}`,
          p.taskId === own.taskId,
          () => call('GET', `${W}/tasks/${p.taskId}/`, { token: o.token }),
          ownRow,
        ),
        c(
          `GET tasks?site_id=${p.siteId}`,
          p.siteId === own.siteId,
          () => call('GET', `${W}/tasks/?site_id=${p.siteId}`, { token: o.token }),
          allOfSite(own.siteId),
        ),
        c(
          `GET content ${p.contentId}`,
          p.contentId === own.contentId,
          () => call('GET', `${W}/content/${p.contentId}/`, { token: o.token }),
          ownRow,
        ),
        c(`GET content ${p.contentId} draft`, p.contentId === own.contentId, () =>
          call('GET', `${W}/content/${p.contentId}/draft/`, { token: o.token }),
        ),
        c(
          `GET image ${p.imageId}`,
          [own.imageId, own.mediaImageId].includes(p.imageId),
          () => call('GET', `${W}/images/${p.imageId}/`, { token: o.token }),
          ownRow,
        ),
        c(
          `GET record ${p.recordId}`,
          p.recordId === own.recordId,
          () => call('GET', `${PUB}/records/${p.recordId}/`, { token: o.token }),
          ownRow,
        ),
        c(`GET /media/${p.mediaKey}`, false, () => media(p.mediaKey, { bearer: o.token })),
        {
          ...c(
            `PATCH content ${p.contentId}`,
            p.contentId === own.contentId,
            () =>
              call('PATCH', `${W}/content/${p.contentId}/`, {
                token: o.token,
                body: { excerpt: 'touched by C.owner' },
              }),
            ownRow,
          ),
          write: true,
        },
        {
          ...c(`socket on content ${p.contentId}`, p.contentId === own.contentId, () =>
            draftSocket(caller, p.contentId === own.contentId ? own : p, o.token, true),
          ),
          expect: p.contentId === own.contentId ? 101 : 404,
        },
      ]);
    // The point of the case: the ids really do coincide, so only the account filter tells them apart.
    expect(cases.filter((x) => x.scope === 'own').length).toBeGreaterThan(0);
    await run(cases);
  }, 120_000);

  it('a 404 reads the same for an id in an unseen site, in another account, or nowhere', async () => {
    const e = A.members.editor;
    const probes: [string, (p: WriterSite) => Promise<Res>][] = [
      ['GET task', (p) => call('GET', `${W}/tasks/${p.taskId}/`, { token: e.token })],
      ['PATCH task', (p) => call('PATCH', `${W}/tasks/${p.taskId}/`, { token: e.token, body: { description: 'x' } })],
      ['tasks bulk_delete', (p) => post(e, `${W}/tasks/bulk_delete/`, { ids: [p.taskId] })],
      ['auto_generate_content', (p) => post(e, `${W}/tasks/auto_generate_content/`, { ids: [p.taskId] })],
      ['bulk_create_from_ideas', (p) => post(e, `${W}/tasks/bulk_create_from_ideas/`, { ids: [p.ideaId] })],
      ['GET content', (p) => call('GET', `${W}/content/${p.contentId}/`, { token: e.token })],
      [
        'PATCH content',
        (p) => call('PATCH', `${W}/content/${p.contentId}/`, { token: e.token, body: { excerpt: 'x' } }),
      ],
      ['content status', (p) => post(e, `${W}/content/${p.contentId}/status/`, { status: 'review' })],
      ['GET draft', (p) => call('GET', `${W}/content/${p.contentId}/draft/`, { token: e.token })],
      ['GET versions', (p) => call('GET', `${W}/content/${p.contentId}/versions/`, { token: e.token })],
      ['POST versions', (p) => post(e, `${W}/content/${p.contentId}/versions/`, { name: 'x' })],
      ['restore version', (p) => post(e, `${W}/content/${p.contentId}/versions/${p.versionId}/restore/`, undefined)],
      ['GET image', (p) => call('GET', `${W}/images/${p.imageId}/`, { token: e.token })],
      ['regenerate image', (p) => post(e, `${W}/images/${p.imageId}/regenerate/`, undefined)],
      ['images generate', (p) => post(e, `${W}/images/generate/`, { ids: [p.imageId] })],
      ['images generate_prompts', (p) => post(e, `${W}/images/generate_prompts/`, { ids: [p.contentId] })],
      ['DELETE image', (p) => call('DELETE', `${W}/images/${p.imageId}/`, { token: e.token })],
      ['GET wordpress settings', (p) => call('GET', `${PUB}/sites/${p.siteId}/wordpress/`, { token: e.token })],
      ['publish', (p) => post(e, `${PUB}/content/${p.contentId}/publish/`, {})],
      ['GET record', (p) => call('GET', `${PUB}/records/${p.recordId}/`, { token: e.token })],
      ['socket', (p) => draftSocket({ label: 'A.editor', role: 'editor', acct: A }, p, e.token, true)],
    ];
    expect(await notFoundsThatDiffer(probes, [fx(A).ungranted, fx(B).granted, MISSING])).toEqual([]);
  });

  it('tried enough cases', () => {
    expect(matrix.tried).toBeGreaterThan(1500);
  });
});

describe('underneath the API', () => {
  it('no write of the matrix landed in the other account, even behind a 404', async () => {
    const db = shardBinding(A.shard);
    const problems: string[] = [];
    for (const acct of [A, B]) {
      const rows: { row: string; text: string }[] = [];
      for (const q of [
        "SELECT 'task ' || id AS row, description AS text FROM tasks WHERE account_id = ?",
        "SELECT 'task title ' || id AS row, title AS text FROM tasks WHERE account_id = ?",
        "SELECT 'content ' || id AS row, excerpt AS text FROM content WHERE account_id = ?",
        "SELECT 'content title ' || id AS row, title AS text FROM content WHERE account_id = ?",
        "SELECT 'content html ' || id AS row, html_content AS text FROM content WHERE account_id = ?",
        "SELECT 'site ' || site_id AS row, coalesce(json_extract(config, '$.username'), '') AS text " +
          "FROM site_integrations WHERE account_id = ? AND platform = 'wordpress'",
      ])
        rows.push(...(await db.prepare(q).bind(acct.accountId).all<{ row: string; text: string }>()).results);
      const byOthers = /(touched|added|typed) by ([A-Z])\.\w+/g;
      let touched = 0;
      for (const r of rows) {
        for (const m of (r.text ?? '').matchAll(byOthers)) {
          touched++;
          if (m[2] !== acct.label) problems.push(`${acct.label} ${r.row}: "${m[0]}"`);
        }
      }
      if (touched < 10) problems.push(`${acct.label}: the matrix changed almost nothing (${touched}; vacuous check)`);
      const bal = await db
        .prepare('SELECT balance, reserved FROM credit_balances WHERE account_id = ?')
        .bind(acct.accountId)
        .first<{ balance: number; reserved: number }>();
      const sum = await db
        .prepare('SELECT sum(amount) AS s FROM credit_transactions WHERE account_id = ?')
        .bind(acct.accountId)
        .first<{ s: number }>();
      if (bal!.reserved !== 0 || bal!.balance !== sum!.s)
        problems.push(`${acct.label}: balance ${JSON.stringify(bal)} vs ledger ${sum!.s}`);
    }
    expect(problems).toEqual([]);
  });

  it('writer rows always sit in the account, site and sector of their parents', async () => {
    for (const shard of new Set([A.shard, await shardOf(crossShard.owner.accountId)])) {
      const db = shardBinding(shard);
      const mismatched: { row: string }[] = [];
      for (const q of [
        "SELECT 'task ' || t.id AS row FROM tasks t JOIN sectors s ON s.id = " +
          't.sector_id WHERE s.account_id != t.account_id OR s.site_id != ' +
          't.site_id',
        "SELECT 'task cluster ' || t.id AS row FROM tasks t WHERE t.cluster_id " +
          'IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clusters c WHERE c.id = ' +
          't.cluster_id AND c.account_id = t.account_id AND c.site_id = ' +
          't.site_id)',
        "SELECT 'task idea ' || t.id AS row FROM tasks t JOIN content_ideas i " +
          'ON i.id = t.idea_id WHERE i.account_id != t.account_id OR i.site_id ' +
          '!= t.site_id',
        "SELECT 'content ' || c.id AS row FROM content c JOIN sectors s ON " +
          's.id = c.sector_id WHERE s.account_id != c.account_id OR s.site_id != ' +
          'c.site_id',
        "SELECT 'content task ' || c.id AS row FROM content c JOIN tasks t ON " +
          't.id = c.task_id WHERE t.account_id != c.account_id OR t.site_id != ' +
          'c.site_id',
        "SELECT 'image ' || i.id AS row FROM images i JOIN content c ON c.id = " +
          'i.content_id WHERE c.account_id != i.account_id OR c.site_id != ' +
          'i.site_id',
        "SELECT 'image key ' || i.id AS row FROM images i WHERE i.r2_key IS " +
          "NOT NULL AND i.r2_key NOT LIKE 'accounts/' || i.account_id || " +
          "'/sites/' || i.site_id || '/%'",
        "SELECT 'record ' || r.id AS row FROM publishing_records r JOIN " +
          'content c ON c.id = r.content_id WHERE c.account_id != r.account_id ' +
          'OR c.site_id != r.site_id',
      ])
        mismatched.push(...(await db.prepare(q).all<{ row: string }>()).results);
      expect(mismatched, shard).toEqual([]);
    }
  });

  it("the matrix's own rows survived: nothing it was refused to delete is gone", async () => {
    for (const acct of [A, B]) {
      const owner = acct.members.owner;
      for (const p of [fx(acct).granted, fx(acct).ungranted]) {
        expect((await call('GET', `${W}/tasks/${p.taskId}/`, { token: owner.token })).status).toBe(200);
        expect((await call('GET', `${W}/images/${p.mediaImageId}/`, { token: owner.token })).status).toBe(200);
        expect((await media(p.mediaKey, { bearer: owner.token })).status).toBe(200);
      }
    }
  });
});
