import { and, count, eq, isNull, min } from 'drizzle-orm';
import { deadLetters, systemHeartbeats } from '../../core/schema/control';
import { siteIntegrations } from '../../core/schema/shard';
import {
  CRON_STALE_MS,
  HEARTBEAT_KEYS,
  type CheckStatus,
  type StatusCheck,
  type StatusReport,
  worstStatus,
} from '../../core/validation/admin';
import { aiBudgetOf } from '../../durable-objects/ai-budget/client';
import { SHARD_BINDINGS, type ShardName } from '../db/shards';
import type { Env } from '../env';
import { outboundFetch } from '../lib/outbound-fetch';
import type { Tenant } from '../middleware/tenant';
import { resolveProvider } from './ai-settings';

/** Each check gets this long; past it the check is "down" (the page must answer even when a service hangs). */
export const CHECK_TIMEOUT_MS = 2_000;

type Outcome = { status: CheckStatus; detail: string };
type Probe = { name: string; label: string; run: () => Promise<Outcome> };

const ok = (detail: string): Outcome => ({ status: 'ok', detail });
const degraded = (detail: string): Outcome => ({ status: 'degraded', detail });

/** Runs one probe with its own timeout and clock; a throw or a timeout is "down" with the reason. */
async function timed(probe: Probe, timeoutMs: number): Promise<StatusCheck> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', detail: `No answer within ${timeoutMs / 1000} s.` }), timeoutMs);
  });
  const outcome = await Promise.race([
    probe.run().catch((err: unknown): Outcome => ({ status: 'down', detail: errorText(err) })),
    timeout,
  ]);
  clearTimeout(timer);
  // Workers freeze the clock during I/O-free stretches only; around awaited I/O it advances (our latency).
  const latency = Math.max(0, Math.round(performance.now() - started));
  return { name: probe.name, label: probe.label, ...outcome, latency_ms: latency };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

export function ageText(ms: number) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s ago`;
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

function d1Probe(name: string, label: string, db: D1Database): Probe {
  return {
    name,
    label,
    run: async () => {
      await db.prepare('SELECT 1').first();
      return ok('SELECT 1 answered.');
    },
  };
}

/** A developer sees every shard; an owner or admin the control database and their own shard only. */
function databaseProbes(env: Env, tenant: Tenant): Probe[] {
  const shards: readonly ShardName[] = tenant.user.role === 'developer' ? SHARD_BINDINGS : [tenant.shard];
  return [
    d1Probe('d1.control', 'Database: control', env.DB_CONTROL),
    ...shards.map((s) => d1Probe(`d1.${s}`, `Database: ${s === tenant.shard ? `${s} (this account)` : s}`, env[s])),
  ];
}

const durableObjectProbe = (env: Env, tenant: Tenant): Probe => ({
  name: 'durable_objects',
  label: 'Durable Objects',
  run: async () => {
    // The account's AI budget object: a read-only RPC (inspect) that changes no lease.
    const snapshot = await aiBudgetOf(env, tenant.account.id, 'status-probe').inspect();
    return ok(`AI budget object answered (${snapshot.inFlight} call(s) in flight).`);
  },
});

const r2Probe = (env: Env): Probe => ({
  name: 'r2',
  label: 'Storage (R2)',
  run: async () => {
    const key = `status-probe/${crypto.randomUUID()}`;
    const text = `probe ${Date.now()}`;
    await env.MEDIA.put(key, text);
    try {
      const read = await env.MEDIA.get(key);
      if ((await read?.text()) !== text)
        return { status: 'down', detail: 'Wrote a probe object but read back something else.' };
    } finally {
      await env.MEDIA.delete(key);
    }
    return ok('Put, get and delete of a probe object worked.');
  },
});

async function heartbeat(tenant: Tenant, key: string) {
  return tenant.control.select().from(systemHeartbeats).where(eq(systemHeartbeats.key, key)).get();
}

const queueProbe = (env: Env, tenant: Tenant): Probe => ({
  name: 'queue',
  label: 'Queue',
  run: async () => {
    const last = await heartbeat(tenant, HEARTBEAT_KEYS.ping);
    // A no-op message: the consumer's heartbeat for it is the round trip the next check shows.
    await env.EVENTS.send({ v: 1, type: 'system.ping', probe: crypto.randomUUID() });
    const roundTrip = last ? ` Last ping consumed ${ageText(Date.now() - last.at.getTime())}.` : '';
    return ok(`Message sent.${roundTrip}`);
  },
});

const deadLetterProbe = (tenant: Tenant): Probe => ({
  name: 'dead_letters',
  label: 'Dead letters',
  run: async () => {
    const all = tenant.user.role === 'developer';
    const row = await tenant.control
      .select({ n: count() })
      .from(deadLetters)
      .where(and(isNull(deadLetters.replayed_at), all ? undefined : eq(deadLetters.account_id, tenant.account.id)))
      .get();
    const n = row?.n ?? 0;
    const scope = all ? 'in all accounts' : 'for this account';
    return n === 0
      ? ok(`No messages waiting for replay ${scope}.`)
      : degraded(`${n} message(s) waiting for replay ${scope}.`);
  },
});

/** The last cron tick, degraded past CRON_STALE_MS (the cron runs every 5 minutes). */
export function cronOutcome(at: Date | null, now = Date.now()): Outcome {
  if (!at) return degraded('No cron tick recorded yet.');
  const age = now - at.getTime();
  return age > CRON_STALE_MS
    ? degraded(`Last tick ${ageText(age)}: the cron runs every 5 minutes.`)
    : ok(`Last tick ${ageText(age)}.`);
}

const cronProbe = (tenant: Tenant): Probe => ({
  name: 'cron',
  label: 'Scheduled work (cron)',
  run: async () => cronOutcome((await heartbeat(tenant, HEARTBEAT_KEYS.cron))?.at ?? null),
});

const aiProbe = (env: Env, tenant: Tenant): Probe => ({
  name: 'ai_provider',
  label: 'AI provider',
  run: async () => {
    let provider: Awaited<ReturnType<typeof resolveProvider>>;
    try {
      provider = await resolveProvider(env, tenant.db, tenant.account.id, 'generate_content');
    } catch (err) {
      return degraded(errorText(err));
    }
    const who = provider.isDemo ? 'The dev model' : new URL(provider.baseURL).host;
    const res = await outboundFetch(
      `${provider.baseURL.replace(/\/+$/, '')}/models`,
      { headers: { authorization: `Bearer ${provider.apiKey}` } },
      { allowLoopback: provider.allowLoopback ?? false, maxResponseBytes: 512 * 1024 },
    );
    await res.body?.cancel();
    if (res.ok) return ok(`${who} answered (model ${provider.model}).`);
    if (res.status >= 500) return { status: 'down', detail: `${who} answered HTTP ${res.status}.` };
    return degraded(`${who} answered HTTP ${res.status}${res.status === 401 ? ': check the API key' : ''}.`);
  },
});

const integrationProbe = (tenant: Tenant): Probe => ({
  name: 'integrations',
  label: 'Integrations',
  run: async () => {
    const rows = await tenant.db
      .select({ health: siteIntegrations.health_status, n: count(), oldest: min(siteIntegrations.last_health_at) })
      .from(siteIntegrations)
      .where(and(eq(siteIntegrations.account_id, tenant.account.id), eq(siteIntegrations.is_active, true)))
      .groupBy(siteIntegrations.health_status)
      .all();
    if (rows.length === 0) return ok('No active integrations.');
    const counts = rows.map((r) => `${r.n} ${r.health}`).join(', ');
    const oldest = rows
      .map((r) => (r.oldest ? new Date(r.oldest as unknown as number).getTime() : null))
      .filter((t): t is number => t !== null)
      .sort((a, b) => a - b)[0];
    const age = oldest ? `; oldest check ${ageText(Date.now() - oldest)}` : '';
    const bad = rows.some((r) => r.health === 'down' || r.health === 'degraded');
    return { status: bad ? 'degraded' : 'ok', detail: `${counts}${age}.` };
  },
});

/** Every check, in parallel, each with its own timeout; the report's status is the worst of them. */
export async function statusReport(env: Env, tenant: Tenant, timeoutMs = CHECK_TIMEOUT_MS): Promise<StatusReport> {
  const probes = [
    ...databaseProbes(env, tenant),
    durableObjectProbe(env, tenant),
    r2Probe(env),
    queueProbe(env, tenant),
    deadLetterProbe(tenant),
    cronProbe(tenant),
    aiProbe(env, tenant),
    integrationProbe(tenant),
  ];
  const checks = await Promise.all(probes.map((p) => timed(p, timeoutMs)));
  return { status: worstStatus(checks.map((c) => c.status)), checked_at: new Date().toISOString(), checks };
}
