/**
 * The one live connection of the app: a WebSocket to the selected site's SiteCoordinator
 * (worker/realtime/routes.ts). It keeps the site's AI jobs (snapshot on connect, then `job`
 * events) and who else is looking at the site (presence) as reactive state, and tells pages when
 * data they show changed (`data.changed`) so they refetch just that, without a page reload.
 *
 * Browsers can't put an Authorization header on a WebSocket, so a site_socket ticket (a minute
 * long, for this site only: never the access token) travels in the query, asked for before every
 * (re)connect. The coordinator closes the socket with a named code when the session expires or
 * the member's access changes (core/realtime/close-codes.ts): `notice` says why, and the channel
 * reconnects at once with a new ticket, or stops when access to the site was removed.
 * Connections drop (deploys, sleep, flaky Wi-Fi): reconnects back off exponentially with jitter,
 * and after a reconnect every subscriber refetches, since events sent meanwhile are lost.
 */
import type { JobView } from '$core/ai/jobs';
import { REALTIME_PROTOCOL_VERSION, type CoordinatorEvent, type DataEntity, type PresenceMember } from '$core/realtime/events';
import { CLOSE_ACCESS_CHANGED, CLOSE_SESSION_EXPIRED, FINAL_CLOSE_CODES, closeMessage } from '$core/realtime/close-codes';
import { siteSocketUrl } from '$lib/api/paths';
import { socketTicket } from '$lib/realtime/tickets';
import { reconnectDelay } from '$core/realtime/backoff';
import { applySnapshot, isActive, justFinished, mergeJob } from '$core/realtime/job-list';

export type ChannelStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

const ALL_ENTITIES: DataEntity[] = ['keywords', 'clusters', 'ideas', 'tasks', 'content', 'images'];
/** Keep-alive: proxies drop idle sockets, and a dead one is only noticed when a ping goes unanswered. */
const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
/** A job's data.changed and the page's own reload after an action arrive together: one refetch. */
const CHANGE_DEBOUNCE_MS = 150;

interface ChangeListener {
  entities: Set<DataEntity>;
  notify: () => void;
}

class SiteChannel {
  siteId = $state<number | null>(null);
  status = $state<ChannelStatus>('idle');
  /** The site's jobs, newest first (up to 50: running ones and recent history). */
  jobs = $state.raw<JobView[]>([]);
  /** People connected to the site right now (one entry per person, however many tabs). */
  members = $state.raw<PresenceMember[]>([]);
  /** Why the server last closed the socket ("Your session expired — reconnecting…"); null once open. */
  notice = $state<string | null>(null);
  /** Reserving, queued, running or saving. */
  activeJobs = $derived(this.jobs.filter((j) => isActive(j.status)));

  #socket: WebSocket | null = null;
  /** Bumped by connect/disconnect: work started for an earlier site or socket is dropped. */
  #generation = 0;
  #attempt = 0;
  #openedBefore = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
  #changeListeners = new Set<ChangeListener>();
  #finishListeners = new Set<(job: JobView) => void>();

  /** Connects to a site (no-op when already connected or connecting to it). */
  connect(siteId: number) {
    if (this.siteId === siteId && this.status !== 'idle') return;
    this.disconnect();
    this.siteId = siteId;
    window.addEventListener('online', this.#reconnectNow);
    void this.#open();
  }

  disconnect() {
    this.#generation++;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#stopPing();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'leaving the site');
    window.removeEventListener('online', this.#reconnectNow);
    this.siteId = null;
    this.status = 'idle';
    this.jobs = [];
    this.members = [];
    this.#attempt = 0;
    this.#openedBefore = false;
    this.notice = null;
  }

  /** A job this tab just started (the POST reply): shown at once, whatever the socket is doing. */
  adopt(job: JobView) {
    if (job.site_id === this.siteId) this.#acceptJob(job);
  }

  /**
   * Runs `refetch` (debounced) when any of `entities` changed on this site, by anyone, and after
   * a reconnect. Returns the unsubscribe function, so `$effect(() => realtime.onDataChanged(…))`
   * cleans up by itself.
   */
  onDataChanged(entities: DataEntity[], refetch: () => void): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener: ChangeListener = {
      entities: new Set(entities),
      notify: () => {
        clearTimeout(timer);
        timer = setTimeout(refetch, CHANGE_DEBOUNCE_MS);
      },
    };
    this.#changeListeners.add(listener);
    return () => {
      clearTimeout(timer);
      this.#changeListeners.delete(listener);
    };
  }

  /** Called once per job when it succeeds, fails or is cancelled while we watch. */
  onJobFinished(listener: (job: JobView) => void): () => void {
    this.#finishListeners.add(listener);
    return () => this.#finishListeners.delete(listener);
  }

  async #open() {
    const generation = this.#generation;
    const siteId = this.siteId;
    if (siteId === null) return;
    this.status = this.#openedBefore ? 'reconnecting' : 'connecting';
    // The API client refreshes the access token first if it expired.
    const ticket = await socketTicket('site_socket', siteId);
    if (generation !== this.#generation) return;
    // No ticket: offline, the session ended (the API client says so) or the site is gone.
    if (!ticket) return this.#scheduleReconnect();

    const ws = new WebSocket(siteSocketUrl(location.origin, siteId, ticket));
    this.#socket = ws;
    ws.onopen = () => {
      if (this.#socket !== ws) return;
      const reopened = this.#openedBefore;
      this.#openedBefore = true;
      this.#attempt = 0;
      this.status = 'open';
      this.notice = null;
      this.#startPing(ws);
      if (reopened) this.#emitChange(ALL_ENTITIES);
    };
    ws.onmessage = (e) => {
      if (this.#socket !== ws) return;
      this.#armPongTimeout(ws, false);
      if (typeof e.data === 'string') this.#receive(e.data);
    };
    ws.onclose = (event) => {
      if (this.#socket !== ws) return;
      this.#socket = null;
      this.#stopPing();
      this.notice = closeMessage(event.code);
      if (FINAL_CLOSE_CODES.includes(event.code)) {
        this.status = 'idle';
        return;
      }
      // A new ticket fixes these: no backoff.
      if (event.code === CLOSE_SESSION_EXPIRED || event.code === CLOSE_ACCESS_CHANGED) this.#attempt = 0;
      this.#scheduleReconnect();
    };
  }

  #scheduleReconnect() {
    this.status = 'reconnecting';
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#open();
    }, reconnectDelay(this.#attempt++));
  }

  /** Back online: don't wait for the backoff timer. */
  #reconnectNow = () => {
    if (this.#retryTimer === undefined) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#attempt = 0;
    void this.#open();
  };

  #startPing(ws: WebSocket) {
    this.#stopPing();
    this.#pingTimer = setInterval(() => {
      ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
      this.#armPongTimeout(ws, true);
    }, PING_EVERY_MS);
  }

  /** After a ping, any frame within the timeout proves the socket alive; silence drops it. */
  #armPongTimeout(ws: WebSocket, arm: boolean) {
    clearTimeout(this.#pongTimer);
    if (!arm) return;
    this.#pongTimer = setTimeout(() => {
      if (this.#socket !== ws) return;
      this.#socket = null;
      this.#stopPing();
      ws.close(4000, 'no pong');
      this.#scheduleReconnect();
    }, PONG_TIMEOUT_MS);
  }

  #stopPing() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
  }

  #receive(raw: string) {
    let event: CoordinatorEvent;
    try {
      event = JSON.parse(raw) as CoordinatorEvent;
    } catch {
      return;
    }
    // A newer protocol than this build knows: ignore rather than misread.
    if (event.v !== REALTIME_PROTOCOL_VERSION) return;
    switch (event.type) {
      case 'snapshot': {
        const before = new Map(this.jobs.map((j) => [j.id, j]));
        this.jobs = applySnapshot(this.jobs, event.jobs);
        this.members = event.members;
        // Jobs that ended while we were disconnected are still announced.
        for (const job of event.jobs) if (justFinished(before.get(job.id), job)) this.#emitFinished(job);
        break;
      }
      case 'job':
        this.#acceptJob(event.job);
        break;
      case 'data.changed':
        this.#emitChange(event.entities);
        break;
      case 'presence':
        this.members = event.members;
        break;
      case 'pong':
        break;
    }
  }

  #acceptJob(job: JobView) {
    const previous = this.jobs.find((j) => j.id === job.id);
    const next = mergeJob(this.jobs, job);
    if (next === this.jobs) return; // an older version than ours
    this.jobs = next;
    if (justFinished(previous, job)) this.#emitFinished(job);
  }

  #emitChange(entities: DataEntity[]) {
    for (const listener of this.#changeListeners) {
      if (entities.some((e) => listener.entities.has(e))) listener.notify();
    }
  }

  #emitFinished(job: JobView) {
    for (const listener of this.#finishListeners) listener(job);
  }
}

/** The app's channel: connected by the app layout to the site chosen in the header. */
export const realtime = new SiteChannel();
