/**
 * The one live connection of the app: a WebSocket to the selected site's SiteCoordinator
 * (worker/realtime/routes.ts). It keeps the site's AI jobs (snapshot on connect, then `job`
 * events) and who else is looking at the site (presence) as reactive state, and tells pages when
 * data they show changed (`data.changed`) so they refetch just that, without a page reload.
 *
 * The socket itself (partysocket: a fresh ticket per attempt, backoff, the close codes,
 * keep-alive) is ./site-socket.ts. When the coordinator closes with a named code `notice` says
 * why (core/realtime/close-codes.ts); after a reconnect every subscriber refetches, since events
 * sent meanwhile are lost.
 */
import type { JobView } from '$core/ai/jobs';
import type { AutomationRunView } from '$core/automation/run';
import {
  DATA_ENTITIES,
  REALTIME_PROTOCOL_VERSION,
  type CoordinatorEvent,
  type DataEntity,
  type PresenceMember,
} from '$core/realtime/events';
import { closeMessage } from '$core/realtime/close-codes';
import { applySnapshot, isActive, justFinished, mergeJob } from '$core/realtime/job-list';
import { SiteSocket } from '$lib/realtime/site-socket';

export type ChannelStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

const ALL_ENTITIES: readonly DataEntity[] = DATA_ENTITIES;
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

  #socket: SiteSocket | null = null;
  #changeListeners = new Set<ChangeListener>();
  #finishListeners = new Set<(job: JobView) => void>();
  #runListeners = new Set<(run: AutomationRunView) => void>();

  /** Connects to a site (no-op when already connected or connecting to it). */
  connect(siteId: number) {
    if (this.siteId === siteId && this.status !== 'idle') return;
    this.disconnect();
    this.siteId = siteId;
    this.status = 'connecting';
    this.#socket = new SiteSocket(siteId, {
      open: (reopened) => {
        this.status = 'open';
        this.notice = null;
        if (reopened) this.#emitChange(ALL_ENTITIES);
      },
      message: (data) => this.#receive(data),
      close: (code, final) => {
        this.notice = closeMessage(code);
        this.status = final ? 'idle' : 'reconnecting';
      },
      retrying: () => {
        if (this.status !== 'idle') this.status = 'reconnecting';
      },
    });
    window.addEventListener('online', this.#retryNow);
  }

  disconnect() {
    this.#socket?.close();
    this.#socket = null;
    window.removeEventListener('online', this.#retryNow);
    this.siteId = null;
    this.status = 'idle';
    this.jobs = [];
    this.members = [];
    this.notice = null;
  }

  /** Back online: don't wait for the backoff. */
  #retryNow = () => this.#socket?.retryNow();

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

  /** Called with every automation run of this site that moved (a stage started or finished, counts changed). */
  onAutomationRun(listener: (run: AutomationRunView) => void): () => void {
    this.#runListeners.add(listener);
    return () => this.#runListeners.delete(listener);
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
      case 'automation.run':
        for (const listener of this.#runListeners) listener(event.run);
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

  #emitChange(entities: readonly DataEntity[]) {
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
