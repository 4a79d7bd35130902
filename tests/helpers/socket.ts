import { exports } from 'cloudflare:workers';
import type { CoordinatorEvent } from '../../core/realtime/events';
import { ORIGIN, call } from './api';

/**
 * A socket ticket as a browser gets one (POST /api/v1/auth/tickets/ with its access token). A
 * refused request comes back as the Response the socket route would have given, so tests of who
 * may connect read the same statuses and codes as before tickets existed.
 */
export async function socketTicket(
  purpose: 'site_socket' | 'draft_socket',
  id: number,
  token: string,
  headers: Record<string, string> = {},
): Promise<string | Response> {
  // What the socket request carries besides the upgrade (X-Account-ID…) goes with the ticket request too.
  const { Upgrade: _upgrade, ...extra } = headers;
  const res = await call('POST', '/api/v1/auth/tickets/', {
    token,
    headers: extra,
    body: purpose === 'site_socket' ? { purpose, site_id: id } : { purpose, content_id: id },
  });
  if (res.status === 201) return res.body.data.ticket as string;
  return new Response(JSON.stringify(res.body), {
    status: res.status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * The site's live channel from a test: the same upgrade request a browser sends to
 * `/ws/sites/:id?ticket=` (with a ticket got for `token`), and a recorder of every event the
 * socket receives. `{ ticket }` connects with that ticket as it is.
 */
export interface SiteSocket {
  ws: WebSocket;
  events: CoordinatorEvent[];
  /** Resolves with the first recorded event (from `from` on) that matches; throws after `timeoutMs`. */
  waitFor<T extends CoordinatorEvent>(
    what: string,
    match: (e: CoordinatorEvent) => e is T,
    from?: number,
    timeoutMs?: number,
  ): Promise<T>;
  waitFor(
    what: string,
    match: (e: CoordinatorEvent) => boolean,
    from?: number,
    timeoutMs?: number,
  ): Promise<CoordinatorEvent>;
  close(): void;
  /** Resolves with the close event (code and reason) once the server closed the socket; throws after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
}

export async function connectSite(
  siteId: number,
  token: string | null | { ticket: string },
  headers: Record<string, string> = { Upgrade: 'websocket' },
): Promise<Response> {
  const ticket =
    token === null || typeof token === 'object'
      ? token?.ticket
      : await socketTicket('site_socket', siteId, token, headers);
  if (ticket instanceof Response) return ticket;
  const query = ticket === undefined ? '' : `?ticket=${encodeURIComponent(ticket)}`;
  return (exports as any).default.fetch(new Request(`${ORIGIN}/ws/sites/${siteId}${query}`, { headers }));
}

export async function openSiteSocket(siteId: number, token: string | { ticket: string }): Promise<SiteSocket> {
  const res = await connectSite(siteId, token);
  if (res.status !== 101 || !res.webSocket) throw new Error(`no upgrade: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const events: CoordinatorEvent[] = [];
  ws.addEventListener('message', (e: MessageEvent) => {
    events.push(JSON.parse(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data as ArrayBuffer)));
  });
  const closed = closeEventOf(ws);
  ws.accept();
  return {
    ws,
    events,
    async waitFor(what: string, match: (e: CoordinatorEvent) => boolean, from = 0, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found as never;
        if (Date.now() > deadline)
          throw new Error(`no ${what} after ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => ws.close(1000, 'test done'),
    closed: (timeoutMs = 15_000) => withTimeout(closed, timeoutMs, 'the server to close the site socket'),
  };
}

export function closeEventOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.addEventListener('close', (e: CloseEvent) => resolve({ code: e.code, reason: e.reason })),
  );
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}
