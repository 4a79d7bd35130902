import { env, exports } from 'cloudflare:workers';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  CLOSE_ACCESS_CHANGED,
  CLOSE_ACCESS_REVOKED,
  CLOSE_DOCUMENT_TOO_LARGE,
  CLOSE_RATE_LIMITED,
  CLOSE_SESSION_EXPIRED,
  CLOSE_TOO_MANY_SOCKETS,
} from '../../core/realtime/close-codes';
import {
  LIMITS_MAP,
  MAX_DRAFT_BYTES,
  MAX_MESSAGES_PER_SECOND,
  MAX_SOCKETS_PER_USER,
  MAX_VERSIONS_PER_DRAFT,
  type DraftLimitNotice,
} from '../../core/realtime/limits';
import { signTicket } from '../../worker/auth/tickets';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { ORIGIN, addMember, call, signup, type Session } from '../helpers/api';
import { expectError, populateAccount, type AccountFx } from '../helpers/fixtures';
import { connectSite, openSiteSocket, socketTicket, type SiteSocket } from '../helpers/socket';
import { connectDraft, openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * Issue 8, scopes 5 and 9: sockets and /media authenticate with short-lived single-purpose tickets;
 * a socket closes with a named code when the session it was opened under expires and within
 * seconds when its member is demoted, disabled, removed or loses the site; viewers never relay
 * awareness and writers only their own, under their own name; a draft room caps document size,
 * message rate, sockets per user and versions.
 */
let fx: AccountFx;
let contentId: number;
const sockets: { close(): void }[] = [];
const V = '/api/v1/auth';

async function createContent(s: Session, title: string): Promise<number> {
  const res = await call('POST', '/api/v1/writer/content/', {
    token: s.token,
    body: { site_id: fx.granted.id, sector_id: fx.granted.sectorId, title },
  });
  if (res.status !== 201) throw new Error(`content failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id;
}

const track = <T extends { close(): void }>(s: T) => (sockets.push(s), s);
const refusedWith = async (res: Response, status: number, code?: string) => {
  expect(res.webSocket).toBeFalsy();
  expectError({ status: res.status, body: await res.json(), headers: res.headers }, status, code);
};

beforeAll(async () => {
  fx = await populateAccount(await signup('sockets'), 'sockets');
  // Room for the extra members these tests invite (the Trial plan allows 5 users; Growth 15).
  await env.DB_CONTROL.prepare(
    "UPDATE accounts SET plan_id = (SELECT id FROM plans WHERE slug = 'growth') WHERE id = ?",
  )
    .bind(fx.accountId)
    .run();
  contentId = await createContent(fx.members.owner, 'Trust');
});

afterAll(() => {
  for (const s of sockets) s.close();
});

describe('tickets', () => {
  it(
    'POST /auth/tickets/ issues a ticket for a site or draft the user can see, ' + '404 otherwise, 400 without the id',
    async () => {
      const { editor } = fx.members;
      const site = await call('POST', `${V}/tickets/`, {
        token: editor.token,
        body: { purpose: 'site_socket', site_id: fx.granted.id },
      });
      expect(site.status).toBe(201);
      expect(site.body.data).toMatchObject({ purpose: 'site_socket', ticket: expect.any(String) });
      // Valid to connect for a minute, not for the access token's 15.
      expect(Date.parse(site.body.data.expires_at) - Date.now()).toBeLessThanOrEqual(61_000);
      expectError(
        await call('POST', `${V}/tickets/`, {
          token: editor.token,
          body: { purpose: 'site_socket', site_id: fx.ungranted.id },
        }),
        404,
        'not_found',
      );
      expectError(
        await call('POST', `${V}/tickets/`, { token: editor.token, body: { purpose: 'draft_socket' } }),
        400,
        'validation_error',
      );
      expectError(await call('POST', `${V}/tickets/`, { body: { purpose: 'media' } }), 401);
    },
  );

  it(
    'the sockets refuse the access token (in ?access_token= or as the ' +
      'ticket) and tickets of another purpose or target',
    async () => {
      const { owner } = fx.members;
      const raw = (path: string) =>
        (exports as any).default.fetch(
          new Request(`${ORIGIN}${path}`, { headers: { Upgrade: 'websocket' } }),
        ) as Promise<Response>;
      await refusedWith(await raw(`/ws/sites/${fx.granted.id}?access_token=${owner.token}`), 401, 'not_authenticated');
      await refusedWith(
        await raw(`/parties/draft-room/${contentId}?access_token=${owner.token}`),
        401,
        'not_authenticated',
      );
      await refusedWith(await connectSite(fx.granted.id, { ticket: owner.token }), 401, 'ticket_invalid');
      await refusedWith(await connectDraft(contentId, { ticket: owner.token }), 401, 'ticket_invalid');
      const draftTicket = (await socketTicket('draft_socket', contentId, owner.token)) as string;
      const siteTicket = (await socketTicket('site_socket', fx.granted.id, owner.token)) as string;
      await refusedWith(await connectSite(fx.granted.id, { ticket: draftTicket }), 401, 'ticket_invalid');
      await refusedWith(await connectDraft(contentId, { ticket: siteTicket }), 401, 'ticket_invalid');
      await refusedWith(await connectSite(fx.ungranted.id, { ticket: siteTicket }), 401, 'ticket_invalid');
      // An expired ticket.
      const claims = {
        userId: owner.userId,
        accountId: fx.accountId,
        role: 'owner' as const,
        target: fx.granted.id,
        tokenVersion: 0,
      };
      const old = await signTicket(
        env,
        { ...claims, purpose: 'site_socket', sessionExp: Math.floor(Date.now() / 1000) + 600 },
        Date.now() - 120_000,
      );
      await refusedWith(await connectSite(fx.granted.id, { ticket: old.ticket }), 401, 'ticket_expired');
    },
  );

  it(
    'the media cookie is an httpOnly media ticket expiring with the access ' +
      'token; the access token is refused there',
    async () => {
      const res = await call('POST', `${V}/tickets/`, { token: fx.members.viewer.token, body: { purpose: 'media' } });
      expect(res.status).toBe(201);
      expect(res.body.data.ticket).toBeUndefined();
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^igny8_media=[^;]+;/);
      expect(cookie).toMatch(/;\s*HttpOnly(;|$)/i);
      expect(cookie).toMatch(/;\s*Secure(;|$)/i);
      expect(cookie).toMatch(/;\s*SameSite=Strict(;|$)/i);
      expect(cookie).toMatch(/Path=\/media/);
      const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
      expect(maxAge).toBeGreaterThan(60);
      expect(maxAge).toBeLessThanOrEqual(15 * 60);
      const key = `accounts/${fx.accountId}/sites/${fx.granted.id}/images/none.png`;
      const media = (value: string) =>
        (exports as any).default.fetch(
          new Request(`${ORIGIN}/media/${key}`, { headers: { cookie: `igny8_media=${value}` } }),
        ) as Promise<Response>;
      // A valid media ticket reaches the file lookup (404: no such file); other credentials don't.
      expect((await media(/^igny8_media=([^;]+)/.exec(cookie)![1]!)).status).toBe(404);
      expect((await media(fx.members.viewer.token)).status).toBe(401);
      expect(
        (await media((await socketTicket('site_socket', fx.granted.id, fx.members.viewer.token)) as string)).status,
      ).toBe(401);
    },
  );
});

describe('live sockets lose access with the member', () => {
  interface Watched {
    site: SiteSocket;
    draft: DraftClient;
  }
  const open = async (s: Session, ticket?: { site: string; draft: string }): Promise<Watched> => {
    const site = track(
      ticket
        ? await openSiteSocket(fx.granted.id, { ticket: ticket.site })
        : await openSiteSocket(fx.granted.id, s.token),
    );
    const draft = track(
      ticket ? await openDraft(contentId, { ticket: ticket.draft }) : await openDraft(contentId, s.token),
    );
    await draft.synced;
    return { site, draft };
  };
  const codes = async (w: Watched, startedAt: number) => {
    const [site, draft] = await Promise.all([
      w.site.closed(12_000).catch(() => null),
      w.draft.closed(12_000).catch(() => null),
    ]);
    const within = (e: { code: number } | null) =>
      e === null ? 'open' : Date.now() - startedAt <= 10_500 ? e.code : `late ${e.code}`;
    return { site: within(site), draft: within(draft) };
  };

  it(
    'demoted, disabled, removed, ungranted or re-versioned: both sockets ' +
      'close within seconds with the code; others stay open',
    async () => {
      const { owner } = fx.members;
      const [demoted, disabled, removed, ungranted, reversioned] = await Promise.all(
        ['editor', 'editor', 'editor', 'editor', 'editor'].map(() => addMember(owner, 'editor', [fx.granted.id])),
      );
      const watched = {
        demoted: await open(demoted!),
        disabled: await open(disabled!),
        removed: await open(removed!),
        ungranted: await open(ungranted!),
        reversioned: await open(reversioned!),
        untouched: await open(fx.members.editor),
      };
      const grants = await call('GET', `${V}/site-access/?user_id=${ungranted!.userId}`, { token: owner.token });
      const grantId = grants.body.results.find((g: { site_id: number }) => g.site_id === fx.granted.id).id;
      const startedAt = Date.now();
      expect(
        (await call('PATCH', `${V}/users/${demoted!.userId}/`, { token: owner.token, body: { role: 'viewer' } }))
          .status,
      ).toBe(200);
      expect(
        (await call('PATCH', `${V}/users/${disabled!.userId}/`, { token: owner.token, body: { status: 'disabled' } }))
          .status,
      ).toBe(200);
      expect((await call('DELETE', `${V}/users/${removed!.userId}/`, { token: owner.token })).status).toBe(200);
      expect((await call('DELETE', `${V}/site-access/${grantId}/`, { token: owner.token })).status).toBe(200);
      // A password change bumps the version (what the password route does is another test's business).
      await env.DB_CONTROL.prepare('UPDATE users SET token_version = token_version + 1 WHERE id = ?')
        .bind(reversioned!.userId)
        .run();

      const results = Object.fromEntries(
        await Promise.all(Object.entries(watched).map(async ([k, w]) => [k, await codes(w, startedAt)] as const)),
      );
      expect(results).toEqual({
        demoted: { site: CLOSE_ACCESS_CHANGED, draft: CLOSE_ACCESS_CHANGED },
        disabled: { site: CLOSE_ACCESS_REVOKED, draft: CLOSE_ACCESS_REVOKED },
        removed: { site: CLOSE_ACCESS_REVOKED, draft: CLOSE_ACCESS_REVOKED },
        ungranted: { site: CLOSE_ACCESS_REVOKED, draft: CLOSE_ACCESS_REVOKED },
        reversioned: { site: CLOSE_SESSION_EXPIRED, draft: CLOSE_SESSION_EXPIRED },
        untouched: { site: 'open', draft: 'open' },
      });
    },
  );

  it('a socket closes with "session expired" when the access token it was opened under expires', async () => {
    const { editor } = fx.members;
    const base = {
      userId: editor.userId,
      accountId: fx.accountId,
      role: 'editor' as const,
      tokenVersion: 0,
      sessionExp: Math.floor(Date.now() / 1000) + 3,
    };
    const site = await signTicket(env, { ...base, purpose: 'site_socket', target: fx.granted.id });
    const draft = await signTicket(env, { ...base, purpose: 'draft_socket', target: contentId });
    const startedAt = Date.now();
    const w = await open(editor, { site: site.ticket, draft: draft.ticket });
    expect(await codes(w, startedAt)).toEqual({ site: CLOSE_SESSION_EXPIRED, draft: CLOSE_SESSION_EXPIRED });
  });
});

// ---------------------------------------------------------------- awareness, with raw y-protocols messages

function awarenessFrame(clientID: number, state: Record<string, unknown> | null, clock = 1): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientID);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // y-websocket: awareness message
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

/** What an observer's socket learns from awareness messages: client id → state. */
function watchAwareness(ws: WebSocket): awarenessProtocol.Awareness {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  clearInterval((awareness as unknown as { _checkInterval: ReturnType<typeof setInterval> })._checkInterval);
  ws.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data === 'string') return;
    const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
    if (decoding.readVarUint(decoder) === 1)
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), 'remote');
  });
  return awareness;
}

const settle = () => new Promise((r) => setTimeout(r, 600));
const nameOf = (a: awarenessProtocol.Awareness, id: number) =>
  (a.getStates().get(id) as { user?: { name?: string } } | undefined)?.user?.name;

describe('awareness', () => {
  it("a viewer's awareness is never relayed: not its own, not a caret claimed for another member", async () => {
    const observer = track(await openDraft(contentId, fx.members.owner.token));
    const seen = watchAwareness(observer.ws);
    const editor = track(await openDraft(contentId, fx.members.editor.token));
    const viewer = track(await openDraft(contentId, fx.members.viewer.token));
    await Promise.all([observer.synced, editor.synced, viewer.synced]);
    editor.ws.send(awarenessFrame(700_001, { user: { name: 'editor member', color: '#f00' }, cursor: null }));
    await settle();
    expect(nameOf(seen, 700_001)).toBe('editor member');

    viewer.ws.send(awarenessFrame(700_002, { user: { name: 'Viewer', color: '#0f0' } }));
    viewer.ws.send(awarenessFrame(700_001, { user: { name: 'Hijacked', color: '#000' }, cursor: { anchor: 1 } }, 5));
    await settle();
    expect(seen.getStates().has(700_002)).toBe(false);
    expect(nameOf(seen, 700_001)).toBe('editor member');
  });

  it(
    "a writer's awareness is accepted only for the first free client id it " +
      'announced, under its authenticated name',
    async () => {
      const observer = track(await openDraft(contentId, fx.members.owner.token));
      const seen = watchAwareness(observer.ws);
      const admin = track(await openDraft(contentId, fx.members.admin.token));
      const other = track(await openDraft(contentId, fx.members.editor.token));
      await Promise.all([observer.synced, admin.synced, other.synced]);
      other.ws.send(awarenessFrame(800_002, { user: { name: 'editor member' } }));
      await settle();
      // Its first message claims a caret someone else holds: dropped, and the id never becomes its own.
      admin.ws.send(awarenessFrame(800_002, { user: { name: 'Renamed first' } }, 3));
      admin.ws.send(awarenessFrame(800_001, { user: { name: 'The Owner', color: '#123456' } }));
      await settle();
      expect(nameOf(seen, 800_002)).toBe('editor member');
      // The name is the one the Worker authenticated; the rest of the state passes.
      expect(nameOf(seen, 800_001)).toBe('admin member');
      expect((seen.getStates().get(800_001) as { user: { color: string } }).user.color).toBe('#123456');
      // Another client's caret, from the admin's socket: dropped.
      admin.ws.send(awarenessFrame(800_002, { user: { name: 'Renamed' } }, 9));
      admin.ws.send(awarenessFrame(800_003, { user: { name: 'Ghost' } }));
      await settle();
      expect(nameOf(seen, 800_002)).toBe('editor member');
      expect(seen.getStates().has(800_003)).toBe(false);
    },
  );
});

// ---------------------------------------------------------------- caps

describe('caps on collaborative state', () => {
  it(`more than ${MAX_MESSAGES_PER_SECOND} messages a second close the socket with the rate-limit code`, async () => {
    const client = track(await openDraft(contentId, fx.members.editor.token));
    await client.synced;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, new Y.Doc());
    const frame = encoding.toUint8Array(e);
    // Counted as the room receives them: several times the limit, so a busy machine still packs one second with
    // more than it.
    for (let i = 0; i < MAX_MESSAGES_PER_SECOND * 4; i++) client.ws.send(frame);
    expect((await client.closed(10_000)).code).toBe(CLOSE_RATE_LIMITED);
  });

  it(`a user's socket number ${MAX_SOCKETS_PER_USER + 1} on one draft is refused with its code`, async () => {
    const viewer = await addMember(fx.members.owner, 'viewer', [fx.granted.id]);
    const first = [];
    for (let i = 0; i < MAX_SOCKETS_PER_USER; i++) first.push(track(await openDraft(contentId, viewer.token)));
    await Promise.all(first.map((c) => c.synced));
    const extra = track(await openDraft(contentId, viewer.token));
    expect((await extra.closed(5000)).code).toBe(CLOSE_TOO_MANY_SOCKETS);
    // The first ones are still served.
    expect(first.every((c) => c.ws.readyState === WebSocket.OPEN)).toBe(true);
  });

  it(
    'a draft over its size limit refuses growth: the change is dropped, ' +
      'the socket closed, every client sees the notice; deleting still works',
    async () => {
      const id = await createContent(fx.members.owner, 'Big');
      const watcher = track(await openDraft(id, fx.members.owner.token));
      const writer = track(await openDraft(id, fx.members.editor.token));
      await Promise.all([watcher.synced, writer.synced]);
      const closed = writer.closed(60_000);
      const chunk = 'x'.repeat(200 * 1024);
      let sent = 0;
      while (writer.ws.readyState === WebSocket.OPEN && sent < Math.ceil(MAX_DRAFT_BYTES / chunk.length) + 3) {
        writer.doc.transact(() => {
          const p = new Y.XmlElement('paragraph');
          p.insert(0, [new Y.XmlText(`${sent}:${chunk}`)]);
          writer.fragment.insert(writer.fragment.length, [p]);
        });
        sent++;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await closed).code).toBe(CLOSE_DOCUMENT_TOO_LARGE);
      await watcher.until('the limit notice', () => watcher.doc.getMap(LIMITS_MAP).has('document'));
      const notice = watcher.doc.getMap(LIMITS_MAP).get('document') as DraftLimitNotice;
      expect(notice.max_bytes).toBe(MAX_DRAFT_BYTES);
      expect(notice.message).toMatch(/size limit/);
      const state = await draftRoomOf(env, fx.accountId, id).snapshotHtml();
      expect(state.html.length).toBeLessThan(MAX_DRAFT_BYTES);
      expect(state.html).not.toContain(`${sent - 1}:x`);
      // Removing content is how a full draft shrinks: allowed.
      const before = watcher.fragment.length;
      watcher.doc.transact(() => watcher.fragment.delete(0, 1));
      await new Promise((r) => setTimeout(r, 500));
      expect(watcher.ws.readyState).toBe(WebSocket.OPEN);
      const after = await draftRoomOf(env, fx.accountId, id).snapshotHtml();
      expect(after.html).not.toContain('0:x');
      expect(before).toBeGreaterThan(0);
    },
  );

  it(
    `versions per draft are capped at ${MAX_VERSIONS_PER_DRAFT}: ` + `the oldest automatic backup makes room, then 409`,
    async () => {
      const id = await createContent(fx.members.owner, 'Versions');
      const path = `/api/v1/writer/content/${id}/versions/`;
      const save = (name: string) => call('POST', path, { token: fx.members.editor.token, body: { name } });
      const first = await save('v0');
      expect(first.status).toBe(201);
      for (let i = 1; i < MAX_VERSIONS_PER_DRAFT - 1; i++) expect((await save(`v${i}`)).status).toBe(201);
      // A restore saves an automatic backup first: the draft now keeps the most it may.
      const restore = await call('POST', `${path}${first.body.data.id}/restore/`, { token: fx.members.editor.token });
      expect(restore.status).toBe(200);
      const count = async () => (await call('GET', path, { token: fx.members.editor.token })).body.count;
      expect(await count()).toBe(MAX_VERSIONS_PER_DRAFT);
      // The backup makes room for a named version…
      expect((await save('one more')).status).toBe(201);
      expect(await count()).toBe(MAX_VERSIONS_PER_DRAFT);
      // …and then nothing does.
      expectError(await save('too many'), 409, 'version_limit');
      expectError(
        await call('POST', `${path}${first.body.data.id}/restore/`, { token: fx.members.editor.token }),
        409,
        'version_limit',
      );
      expect(await count()).toBe(MAX_VERSIONS_PER_DRAFT);
    },
  );
});
