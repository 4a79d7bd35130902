/**
 * The transport of the site channel: partysocket's reconnecting WebSocket to the site's
 * SiteCoordinator, with what partysocket does not know about our server.
 *
 * - Tickets are single-use and a minute long, so every (re)connect asks for a fresh one:
 *   partysocket calls the URL provider before each attempt.
 * - The close codes of core/realtime/close-codes.ts: after a final one (access removed, …)
 *   nothing reconnects; after "session expired" or "role changed" a new ticket fixes it, so we
 *   reconnect at once instead of after the backoff.
 * - Keep-alive: proxies drop idle sockets, and a dead one is only noticed when a ping goes
 *   unanswered; any frame after a ping proves the socket alive. The ping is KEEPALIVE_PING byte
 *   for byte, so the runtime answers it without waking the coordinator.
 */
import { WebSocket as ReconnectingWebSocket } from 'partysocket';
import { CLOSE_ACCESS_CHANGED, CLOSE_SESSION_EXPIRED, FINAL_CLOSE_CODES } from '$core/realtime/close-codes';
import { KEEPALIVE_PING } from '$core/realtime/keepalive';
import { siteSocketUrl } from '$lib/api/paths';
import { socketTicket } from '$lib/realtime/tickets';

const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
/** Our own close code for a socket that stopped answering (4000–4999: the application range). */
const CLOSE_NO_PONG = 4000;
/** Backoff between attempts: 500 ms doubling up to 30 s (reset once a socket stayed up 5 s). */
const BACKOFF = { minReconnectionDelay: 500, reconnectionDelayGrowFactor: 2, maxReconnectionDelay: 30_000 };
/**
 * partysocket's backoff has no jitter: a retry also waits up to this long at random, so a deploy
 * that drops every member doesn't bring them (and their ticket requests) back in the same millisecond.
 */
const RETRY_JITTER_MS = 1000;
/** Closes that partysocket must not retry by itself: final ones, and the ones we retry at once. */
const NOT_RETRIED_BY_BACKOFF = new Set([...FINAL_CLOSE_CODES, CLOSE_SESSION_EXPIRED, CLOSE_ACCESS_CHANGED]);

export interface SiteSocketEvents {
  /** The socket is open; `reopened` after an earlier one of this channel dropped (events were missed). */
  open(reopened: boolean): void;
  message(data: string): void;
  /** The socket closed; `final`: it stays closed until the user acts. */
  close(code: number, final: boolean): void;
  /** An attempt failed (no ticket, network): the next one comes after the backoff. */
  retrying(): void;
}

/** Where tickets and the socket come from: the API and the browser, or stand-ins in the spec. */
export interface SiteSocketDeps {
  ticket(siteId: number): Promise<string | null>;
  url(siteId: number, ticket: string): string;
  WebSocket?: unknown;
}

const browserDeps: SiteSocketDeps = {
  // The API client refreshes the access token first if it expired.
  ticket: (siteId) => socketTicket('site_socket', siteId),
  url: (siteId, ticket) => siteSocketUrl(location.origin, siteId, ticket),
};

export class SiteSocket {
  #socket: ReconnectingWebSocket;
  #openedBefore = false;
  #closed = false;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly siteId: number,
    private readonly events: SiteSocketEvents,
    private readonly deps: SiteSocketDeps = browserDeps,
  ) {
    this.#socket = this.#create();
  }

  /** Closes for good (leaving the site). */
  close() {
    this.#closed = true;
    this.#stopPing();
    this.#socket.close(1000, 'leaving the site');
  }

  /**
   * Back online: try now rather than when the backoff says. partysocket cannot cut short a wait
   * it has started, so a waiting socket is replaced by a new one.
   */
  retryNow() {
    const waiting = this.#socket;
    if (this.#closed || !waiting.shouldReconnect || waiting.readyState === ReconnectingWebSocket.OPEN) return;
    this.#socket = this.#create();
    waiting.close();
  }

  #create(): ReconnectingWebSocket {
    const socket: ReconnectingWebSocket = new ReconnectingWebSocket(() => this.#freshUrl(socket), undefined, {
      ...BACKOFF,
      WebSocket: this.deps.WebSocket,
      // A ping queued while offline is stale by the time the socket opens.
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: (event) => !NOT_RETRIED_BY_BACKOFF.has(event.code),
    });
    const current = () => !this.#closed && this.#socket === socket;
    socket.addEventListener('open', () => {
      if (!current()) return;
      const reopened = this.#openedBefore;
      this.#openedBefore = true;
      this.#startPing(socket);
      this.events.open(reopened);
    });
    socket.addEventListener('message', (event) => {
      if (!current()) return;
      clearTimeout(this.#pongTimer);
      if (typeof event.data === 'string') this.events.message(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (!current()) return;
      this.#stopPing();
      const final = FINAL_CLOSE_CODES.includes(event.code);
      this.events.close(event.code, final);
      if (event.code === CLOSE_SESSION_EXPIRED || event.code === CLOSE_ACCESS_CHANGED) socket.reconnect();
    });
    socket.addEventListener('error', () => {
      if (current()) this.events.retrying();
    });
    return socket;
  }

  /** Called by partysocket before every attempt: a ticket is good for one connection only. */
  async #freshUrl(socket: ReconnectingWebSocket): Promise<string> {
    if (socket.retryCount > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_JITTER_MS));
    const ticket = await this.deps.ticket(this.siteId);
    // No ticket: offline, the session ended (the API client says so) or the site is gone. Throwing
    // makes partysocket count a failed attempt and try again after the backoff.
    if (!ticket) throw new Error('no site_socket ticket');
    return this.deps.url(this.siteId, ticket);
  }

  #startPing(socket: ReconnectingWebSocket) {
    this.#stopPing();
    this.#pingTimer = setInterval(() => {
      socket.send(KEEPALIVE_PING);
      clearTimeout(this.#pongTimer);
      // Silence after a ping: drop this socket and connect again (at once, with a new ticket).
      this.#pongTimer = setTimeout(() => socket.reconnect(CLOSE_NO_PONG, 'no pong'), PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  #stopPing() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
  }
}
