import { expect, test, type APIRequestContext } from '@playwright/test';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import { E2E_PORT, uniquePerson } from './helpers';

/**
 * Live interop of the DraftRoom under `wrangler dev` (no browser page): a stock y-websocket
 * provider and y-partyserver's own provider edit one draft at the same time, each typing hundreds
 * of characters at random places; the room is killed halfway (the test-only restart route); both
 * keep typing through the reconnect. At the end both documents, and a third client that connects
 * fresh after the room restarted once more, hold the same content, with every character typed.
 */
const HTTP = `http://127.0.0.1:${E2E_PORT}`;
const WS_HOST = `127.0.0.1:${E2E_PORT}`;
const EDITS_PER_CLIENT = 400;

async function api<T = any>(
  request: APIRequestContext,
  method: 'get' | 'post',
  path: string,
  token?: string,
  data?: unknown,
): Promise<T> {
  const res = await request[method](`${HTTP}${path}`, {
    data,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = await res.json();
  expect(res.ok(), `${method.toUpperCase()} ${path}: ${JSON.stringify(body)}`).toBe(true);
  return body.data as T;
}

/** The draft's paragraphs, created by one client before the other joins (as an editor would). */
function paragraphs(doc: Y.Doc): Y.XmlText[] {
  return doc
    .getXmlFragment('default')
    .toArray()
    .map((p) => (p as Y.XmlElement).get(0) as Y.XmlText);
}

const text = (doc: Y.Doc) =>
  paragraphs(doc)
    .map((t) => t.toString())
    .join('|');
const count = (s: string, ch: string) => s.split(ch).length - 1;

function whenSynced(provider: {
  synced: boolean;
  once(name: 'sync', f: (synced: boolean) => void): void;
}): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve) => provider.once('sync', (synced: boolean) => synced && resolve()));
}

/** Types `n` single characters at random places of random paragraphs, a few ms apart. */
async function type(doc: Y.Doc, ch: string, n: number, onHalf: () => Promise<unknown>) {
  for (let i = 0; i < n; i++) {
    if (i === n / 2) await onHalf();
    const texts = paragraphs(doc);
    const t = texts[Math.floor(Math.random() * texts.length)]!;
    t.insert(Math.floor(Math.random() * (t.length + 1)), ch);
    await new Promise((r) => setTimeout(r, 3 + Math.random() * 4));
  }
}

test('a stock y-websocket client and a y-partyserver client converge through a room restart', async ({ request }) => {
  test.setTimeout(120_000);
  const person = uniquePerson('interop');
  const reg = await api(request, 'post', '/api/v1/auth/register/', undefined, {
    email: person.email,
    password: person.password,
    name: person.name,
    account_name: person.account,
    delivery: 'body',
  });
  const token: string = reg.access;
  const site = await api(request, 'post', '/api/v1/auth/sites/', token, { name: 'Interop site' });
  const sector = await api(request, 'post', '/api/v1/auth/sectors/', token, {
    site_id: site.id,
    name: 'Interop sector',
  });
  const content = await api(request, 'post', '/api/v1/writer/content/', token, {
    site_id: site.id,
    sector_id: sector.id,
    title: 'Interop draft',
  });
  const room = String(content.id);
  // Sockets open with a draft_socket ticket (a minute to connect), never the access token.
  const ticket = async () => ({
    ticket: (
      await api(request, 'post', '/api/v1/auth/tickets/', token, { purpose: 'draft_socket', content_id: content.id })
    ).ticket as string,
  });

  // Stock y-websocket: server URL + '/' + room, params as the query (fixed: its reconnects reuse the ticket, well
  // within its minute here).
  const docA = new Y.Doc();
  const a = new WebsocketProvider(`ws://${WS_HOST}/parties/draft-room`, room, docA, {
    params: await ticket(),
    WebSocketPolyfill: WebSocket,
    disableBc: true,
  });
  // y-partyserver's provider: /parties/<party>/<room>, a fresh ticket for every (re)connect.
  const docB = new Y.Doc();
  const b = new YProvider(WS_HOST, room, docB, {
    party: 'draft-room',
    params: ticket,
    WebSocketPolyfill: WebSocket,
    disableBc: true,
  });
  const disconnects = { a: 0, b: 0 };
  a.on('status', ({ status }: { status: string }) => status === 'disconnected' && disconnects.a++);
  b.on('status', ({ status }: { status: string }) => status === 'disconnected' && disconnects.b++);
  const providers = [a, b];
  try {
    await Promise.all([whenSynced(a), whenSynced(b)]);
    docA.transact(() => {
      const fragment = docA.getXmlFragment('default');
      for (const seed of ['first paragraph: ', 'second paragraph: ', 'third paragraph: ']) {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(seed)]);
        fragment.insert(fragment.length, [p]);
      }
    });
    await expect.poll(() => paragraphs(docB).length).toBe(3);

    let restarted: Promise<unknown> | null = null;
    const restartOnce = () => {
      restarted ??= api(request, 'post', `/api/v1/_test/draft-rooms/${room}/restart/`, token);
      return restarted;
    };
    await Promise.all([type(docA, 'a', EDITS_PER_CLIENT, restartOnce), type(docB, 'b', EDITS_PER_CLIENT, restartOnce)]);
    expect(restarted).not.toBeNull();

    // Both saw the room go away and came back; then both hold everything both typed.
    expect(disconnects.a).toBeGreaterThan(0);
    expect(disconnects.b).toBeGreaterThan(0);
    await expect
      .poll(() => text(docA) === text(docB) && a.wsconnected && b.wsconnected, { timeout: 30_000 })
      .toBe(true);
    expect(count(text(docA), 'a')).toBe(
      EDITS_PER_CLIENT + count('first paragraph: second paragraph: third paragraph: ', 'a'),
    );
    expect(count(text(docA), 'b')).toBe(
      EDITS_PER_CLIENT + count('first paragraph: second paragraph: third paragraph: ', 'b'),
    );
    const final = text(docA);

    // The last editor leaving saves the room; it restarts again; a fresh client gets it all from storage.
    a.destroy();
    b.destroy();
    await new Promise((r) => setTimeout(r, 500));
    await api(request, 'post', `/api/v1/_test/draft-rooms/${room}/restart/`, token);
    const docC = new Y.Doc();
    const c = new WebsocketProvider(`ws://${WS_HOST}/parties/draft-room`, room, docC, {
      params: await ticket(),
      WebSocketPolyfill: WebSocket,
      disableBc: true,
    });
    providers.push(c);
    await whenSynced(c);
    await expect.poll(() => text(docC), { timeout: 10_000 }).toBe(final);
    const draft = await api(request, 'get', `/api/v1/writer/content/${room}/draft/`, token);
    expect(draft.word_count).toBeGreaterThan(0);
    expect(draft.html.startsWith('<p>')).toBe(true);
  } finally {
    for (const p of providers) p.destroy();
  }
});
