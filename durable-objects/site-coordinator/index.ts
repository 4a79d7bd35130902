import { DurableObject } from 'cloudflare:workers';
import type { JobView } from '../../core/ai/jobs';
import { CLOSE_RATE_LIMITED } from '../../core/realtime/close-codes';
import { parseClientMessage, type CoordinatorEvent, type PresenceMember } from '../../core/realtime/events';
import { KEEPALIVE_PING, KEEPALIVE_PONG } from '../../core/realtime/keepalive';
import { MessageRate, REVALIDATE_EVERY_MS } from '../../core/realtime/limits';
import type { Env } from '../../worker/env';
import { checkGrants, readGrant, type SocketGrant } from '../../worker/realtime/live-access';
import { Broadcaster } from './engine/broadcaster';
import { CoordinatorEngine } from './engine/engine';
import { enginePorts, functionDefinition, keyBudgetOf } from './features';
import type { EnqueueResult, EnqueueSpec, HoldRef, SiteCoordinatorRpc } from './engine/protocol';
import { SqlJobStore } from './engine/job-store';
import { scheduledPublishHooks } from '../../worker/publisher/schedule-fire';
import { ScheduledPublishes } from './scheduled-publish';
import { automationRunHooks } from '../../worker/automation/run-hooks';
import { AutomationRuns } from './automation-runs';
import type { AutomationRunSpec, AutomationRunsRpc } from './automation-runs-protocol';
import type {
  ScheduledPublishRpc,
  ScheduledPublishSpec,
  ScheduledPublishView,
  TrackedPublishJob,
} from './scheduled-publish-protocol';

/**
 * One per site (`idFromName("<account>:<site>")`): the AI engine of the site and the live channel
 * of everyone looking at it. The Worker only routes: it checks access, then calls the RPC methods
 * below or forwards the WebSocket upgrade. Sockets use the hibernation API, so an idle site costs
 * nothing while members stay connected. Each socket keeps the grant it was opened under (its
 * attachment); while any are open the alarm re-checks them (live-access.ts) every few seconds.
 */
export class SiteCoordinator
  extends DurableObject<Env>
  implements SiteCoordinatorRpc, ScheduledPublishRpc, AutomationRunsRpc
{
  private readonly engine: CoordinatorEngine;
  /** Scheduled publishing (scheduled-publish.ts): its rows and the alarm's firing of them. */
  private readonly publishes: ScheduledPublishes;
  /** Automation runs (automation-runs.ts): the runs this site drives, advanced by the alarm. */
  private readonly runs: AutomationRuns;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const store = new SqlJobStore(ctx.storage.sql);
    const broadcaster = new Broadcaster((event) => this.broadcast(event));
    this.engine = new CoordinatorEngine({
      env,
      store,
      broadcaster,
      scheduleAt: (at) => this.scheduleAt(at),
      ports: enginePorts,
      functions: functionDefinition,
      budget: keyBudgetOf(env, ctx.id.toString()),
    });
    this.publishes = new ScheduledPublishes(ctx.storage.sql, scheduledPublishHooks(env), {
      getJob: (id) => this.engine.getJob(id),
      scheduleAt: (at) => this.scheduleAt(at),
      fired: () => this.notifyDataChanged(['content']),
    });
    this.runs = new AutomationRuns(ctx.storage.sql, automationRunHooks(env), {
      jobs: {
        enqueue: (spec) => this.engine.enqueue(spec),
        getJob: (id) => this.engine.getJob(id),
        cancel: (id) => this.engine.cancel(id, 'Automation'),
      },
      scheduleAt: (at) => this.scheduleAt(at),
      changed: (run) => this.broadcast({ v: 1, type: 'automation.run', run }),
    });
    // A restart while a schedule was firing (or past due), or while a run was being driven, must
    // come back to it: re-arm on start.
    void ctx.blockConcurrencyWhile(async () => {
      await this.publishes.armNext();
      await this.runs.armNext();
    });
  }

  /** One alarm serves the engine and the socket checks: the earlier wake-up wins. */
  private async scheduleAt(at: number) {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  // ---------------------------------------------------------------- RPC (called by the Worker)

  enqueue(spec: EnqueueSpec): Promise<EnqueueResult> {
    return this.engine.enqueue(spec);
  }

  cancel(jobId: string, byName: string): Promise<JobView | null> {
    return this.engine.cancel(jobId, byName);
  }

  getJob(jobId: string): JobView | null {
    return this.engine.getJob(jobId);
  }

  listJobs(limit = 50): JobView[] {
    return this.engine.listJobs(limit);
  }

  /** The periodic sweep of stale credit holds (worker/billing/sweep-holds.ts). */
  sweepHolds(holds: HoldRef[]) {
    return this.engine.sweepHolds(holds);
  }

  /** Tells connected members that data changed outside a job (imports, manual edits). */
  notifyDataChanged(entities: Extract<CoordinatorEvent, { type: 'data.changed' }>['entities']) {
    this.broadcast({ v: 1, type: 'data.changed', entities, job_id: null });
  }

  schedulePublish(spec: ScheduledPublishSpec): Promise<ScheduledPublishView> {
    return this.publishes.schedule(spec);
  }

  async unschedulePublish(contentId: number): Promise<ScheduledPublishView | null> {
    return this.publishes.cancel(contentId);
  }

  scheduledPublish(contentId: number): ScheduledPublishView | null {
    return this.publishes.get(contentId);
  }

  trackPublishJob(job: TrackedPublishJob): Promise<void> {
    return this.publishes.track(job);
  }

  driveRun(spec: AutomationRunSpec): Promise<void> {
    return this.runs.drive(spec);
  }

  pokeRun(runId: string): Promise<boolean> {
    return this.runs.poke(runId);
  }

  /**
   * The alarm drives the job queue (at-least-once: every step is idempotent) and re-checks the
   * open sockets. A pump can last minutes (AI calls in flight), and the next alarm waits for this
   * one to return: the checks keep running on a timer meanwhile.
   */
  override async alarm() {
    await this.revalidateSockets();
    const timer = setInterval(() => void this.revalidateSockets(), REVALIDATE_EVERY_MS);
    try {
      // Scheduled publishes fire beside the queue (a WordPress publish must not wait for AI calls),
      // and the records of finished deploy jobs settle after it. Their failures are theirs to retry
      // (scheduled-publish.ts): they never fail the alarm the job queue depends on.
      const publishing = this.publishes.fireDue().catch((err) => console.error('SiteCoordinator: publishes', err));
      await Promise.all([this.engine.pump(), publishing]);
      await this.publishes.settleJobs().catch((err) => console.error('SiteCoordinator: publish records', err));
      // Runs advance after the pump: the jobs they wait on have just moved (their failures retry on their own).
      await this.runs.driveDue().catch((err) => console.error('SiteCoordinator: automation runs', err));
    } finally {
      clearInterval(timer);
    }
  }

  /** Closes the sockets whose member lost access (or whose session expired); see live-access.ts. */
  private async revalidateSockets() {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    try {
      const grants = sockets.map((ws) => ws.deserializeAttachment() as SocketGrant | null);
      const verdicts = await checkGrants(this.env, grants);
      verdicts.forEach((verdict, i) => {
        if (verdict) this.closeSocket(sockets[i]!, verdict.code, verdict.reason);
      });
    } catch (err) {
      // A failed check (D1 unavailable) closes nothing; the next one runs on schedule.
      console.error('SiteCoordinator: socket check failed', err);
    }
    if (this.ctx.getWebSockets().length > 0) await this.scheduleAt(Date.now() + REVALIDATE_EVERY_MS);
  }

  private closeSocket(ws: WebSocket, code: number, reason: string) {
    try {
      ws.close(code, reason);
    } catch {
      /* already closed */
    }
    this.broadcast({ v: 1, type: 'presence', members: this.members() }, ws);
  }

  // ---------------------------------------------------------------- live channel

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('Expected a WebSocket upgrade', { status: 426 });
    const grant = readGrant(request.headers);
    if (!grant) return new Response('Connect through /ws/sites/<site id>.', { status: 403 });
    const { 0: client, 1: server } = new WebSocketPair();
    // Keep-alive pings are answered by the runtime without waking the object (keepalive.ts). Set
    // here, where every socket is accepted: the pair lives in the runtime's hibernation manager, so
    // it holds for these sockets across hibernation.
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(KEEPALIVE_PING, KEEPALIVE_PONG));
    // Tagged by user so presence counts people, not tabs.
    this.ctx.acceptWebSocket(server, [`user:${grant.user_id}`]);
    server.serializeAttachment(grant);
    await this.scheduleAt(Date.now() + REVALIDATE_EVERY_MS);
    server.send(
      JSON.stringify({
        v: 1,
        type: 'snapshot',
        jobs: this.engine.listJobs(50),
        members: this.members(),
      } satisfies CoordinatorEvent),
    );
    this.broadcast({ v: 1, type: 'presence', members: this.members() });
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Per socket, in memory: a hibernated room forgets the counts, which only an idle socket lets happen. */
  private readonly rates = new WeakMap<WebSocket, MessageRate>();

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    let rate = this.rates.get(ws);
    if (!rate) this.rates.set(ws, (rate = new MessageRate()));
    if (!rate.hit()) return this.closeSocket(ws, CLOSE_RATE_LIMITED, 'too many messages');
    // Normally answered by the runtime (auto-response); the same answer if one ever reaches here.
    if (message === KEEPALIVE_PING) return ws.send(KEEPALIVE_PONG);
    const m = typeof message === 'string' ? parseClientMessage(message) : null;
    if (m?.type === 'ping') ws.send(JSON.stringify({ v: 1, type: 'pong', t: m.t } satisfies CoordinatorEvent));
  }

  override webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code === 1005 ? 1000 : code, 'bye');
    } catch {
      /* already closed */
    }
    this.broadcast({ v: 1, type: 'presence', members: this.members() }, ws);
  }

  override webSocketError(ws: WebSocket) {
    this.webSocketClose(ws, 1011);
  }

  private members(except?: WebSocket): PresenceMember[] {
    const byUser = new Map<number, PresenceMember>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      const m = ws.deserializeAttachment() as SocketGrant | null;
      if (!m) continue;
      const entry = byUser.get(m.user_id) ?? { user_id: m.user_id, name: m.name, connections: 0 };
      entry.connections++;
      byUser.set(m.user_id, entry);
    }
    return [...byUser.values()];
  }

  private broadcast(event: CoordinatorEvent, except?: WebSocket) {
    const frame = JSON.stringify(event.type === 'presence' ? { ...event, members: this.members(except) } : event);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      try {
        ws.send(frame);
      } catch {
        /* a closing socket: its close handler updates presence */
      }
    }
  }
}
