import { exports } from 'cloudflare:workers';
import type { CoordinatorEvent } from '../../core/realtime/events';
import { ORIGIN } from './api';

/**
 * The site's live channel from a test: the same upgrade request a browser sends to
 * `/ws/sites/:id?access_token=`, and a recorder of every event the socket receives.
 */
export interface SiteSocket {
  ws: WebSocket;
  events: CoordinatorEvent[];
  /** Resolves with the first recorded event (from `from` on) that matches; throws after `timeoutMs`. */
  waitFor<T extends CoordinatorEvent>(what: string, match: (e: CoordinatorEvent) => e is T, from?: number, timeoutMs?: number): Promise<T>;
  waitFor(what: string, match: (e: CoordinatorEvent) => boolean, from?: number, timeoutMs?: number): Promise<CoordinatorEvent>;
  close(): void;
}

export async function connectSite(siteId: number, token: string | null, headers: Record<string, string> = { Upgrade: 'websocket' }): Promise<Response> {
  const query = token === null ? '' : `?access_token=${encodeURIComponent(token)}`;
  return (exports as any).default.fetch(new Request(`${ORIGIN}/ws/sites/${siteId}${query}`, { headers }));
}

export async function openSiteSocket(siteId: number, token: string): Promise<SiteSocket> {
  const res = await connectSite(siteId, token);
  if (res.status !== 101 || !res.webSocket) throw new Error(`no upgrade: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const events: CoordinatorEvent[] = [];
  ws.addEventListener('message', (e: MessageEvent) => {
    events.push(JSON.parse(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data as ArrayBuffer)));
  });
  ws.accept();
  return {
    ws,
    events,
    async waitFor(what: string, match: (e: CoordinatorEvent) => boolean, from = 0, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found as never;
        if (Date.now() > deadline) throw new Error(`no ${what} after ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => ws.close(1000, 'test done'),
  };
}
