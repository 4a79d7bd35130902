import { DurableObject } from 'cloudflare:workers';
import type { JobView } from '../../core/ai/jobs';
import { parseClientMessage, type CoordinatorEvent, type PresenceMember } from '../../core/realtime/events';
import type { Env } from '../../worker/env';
import { Broadcaster } from './broadcaster';
import { CoordinatorEngine, type EnqueueResult, type EnqueueSpec } from './engine';
import { SqlJobStore } from './job-store';

/** Who a socket belongs to; set by the Worker after it checked the user's access to the site. */
export const MEMBER_HEADER = 'x-igny8-member';
interface Member {
  user_id: number;
  name: string;
}

/**
 * One per site (`idFromName("<account>:<site>")`): the AI engine of the site and the live channel
 * of everyone looking at it. The Worker only routes: it checks access, then calls the RPC methods
 * below or forwards the WebSocket upgrade. Sockets use the hibernation API, so an idle site costs
 * nothing while members stay connected.
 */
export class SiteCoordinator extends DurableObject<Env> {
  private readonly engine: CoordinatorEngine;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const store = new SqlJobStore(ctx.storage.sql);
    const broadcaster = new Broadcaster((event) => this.broadcast(event));
    this.engine = new CoordinatorEngine({
      env,
      store,
      broadcaster,
      scheduleAt: async (at) => {
        const current = await ctx.storage.getAlarm();
        if (current === null || at < current) await ctx.storage.setAlarm(at);
      },
    });
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

  /** Tells connected members that data changed outside a job (imports, manual edits). */
  notifyDataChanged(entities: Extract<CoordinatorEvent, { type: 'data.changed' }>['entities']) {
    this.broadcast({ v: 1, type: 'data.changed', entities, job_id: null });
  }

  /** The alarm drives the job queue (at-least-once: every step is idempotent). */
  override async alarm() {
    await this.engine.pump();
  }

  // ---------------------------------------------------------------- live channel

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const member = JSON.parse(request.headers.get(MEMBER_HEADER) ?? 'null') as Member | null;
    if (!member) return new Response('Missing member', { status: 403 });
    const { 0: client, 1: server } = new WebSocketPair();
    // Tagged by user so presence counts people, not tabs.
    this.ctx.acceptWebSocket(server, [`user:${member.user_id}`]);
    server.serializeAttachment(member);
    server.send(JSON.stringify({ v: 1, type: 'snapshot', jobs: this.engine.listJobs(50), members: this.members() } satisfies CoordinatorEvent));
    this.broadcast({ v: 1, type: 'presence', members: this.members() });
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
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
      const m = ws.deserializeAttachment() as Member | null;
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
