/**
 * An integration's health: can we sign in (auth), does the REST API answer (rest), is our companion
 * plugin there and which version (plugin), may the user publish posts, upload media and manage terms
 * (capabilities), and how long it took (latency). Two requests, made at once: the REST index (which
 * the plugin extends with its name and version) and users/me (auth + capabilities).
 *
 * Verdict: down when WordPress can't be reached or refuses the password (nothing would work);
 * degraded when it works but something is missing (the plugin, a capability); healthy otherwise.
 */
import type { HealthStatus } from '../../core/domain/enums';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { type IntegrationRow, wordpressClientFor } from './connection';
import { WordPressError } from './wordpress-client';

export const CAPABILITIES = {
  publish_posts: 'publish_posts',
  upload_media: 'upload_files',
  manage_terms: 'manage_categories',
} as const;
export type Capability = keyof typeof CAPABILITIES;

export interface HealthReport {
  status: HealthStatus;
  checks: {
    auth: boolean;
    rest: boolean;
    plugin: { installed: boolean; version: string | null };
    capabilities: Capability[];
    latency_ms: number;
  };
  /** What is wrong, in words a user can act on (empty when healthy). */
  problems: string[];
  checked_at: number;
}

/** Health checks have a short deadline: a scheduled pass checks 25 integrations per shard in one tick. */
const HEALTH_TIMEOUT_MS = 10_000;

const reason = (err: unknown) =>
  err instanceof WordPressError ? err.ownMessage : err instanceof ApiError ? err.message : 'Unexpected error.';

export async function checkHealth(env: Env, integration: IntegrationRow, now = Date.now): Promise<HealthReport> {
  const started = now();
  const problems: string[] = [];
  const report = (status: HealthStatus, checks: Partial<HealthReport['checks']>): HealthReport => ({
    status,
    checks: {
      auth: false,
      rest: false,
      plugin: { installed: false, version: null },
      capabilities: [],
      ...checks,
      latency_ms: now() - started,
    },
    problems,
    checked_at: now(),
  });
  let client: Awaited<ReturnType<typeof wordpressClientFor>>;
  try {
    client = await wordpressClientFor(env, integration, { timeoutMs: HEALTH_TIMEOUT_MS });
  } catch (err) {
    problems.push(reason(err));
    return report('down', {});
  }
  // `_fields`: the index lists every route of every plugin otherwise (hundreds of KB on a busy site).
  const [index, me] = await Promise.allSettled([
    client.request<Record<string, unknown>>('GET', '/', { query: { _fields: 'namespaces,igny8' } }),
    client.me(),
  ]);
  const authRefused = (r: PromiseSettledResult<unknown>) =>
    r.status === 'rejected' && r.reason instanceof WordPressError && r.reason.code === 'wp_auth_failed';
  // A 401 in WordPress's JSON is still its REST API answering: reachable, the password is the problem.
  const rest =
    authRefused(index) ||
    (index.status === 'fulfilled' &&
      Array.isArray(index.value.data.namespaces) &&
      index.value.data.namespaces.includes('wp/v2'));
  if (index.status === 'rejected' && !authRefused(index)) problems.push(reason(index.reason));
  else if (!rest) problems.push('The address answers, but not with the WordPress REST API (no wp/v2 namespace).');
  const auth = me.status === 'fulfilled';
  if (me.status === 'rejected' && !problems.includes(reason(me.reason))) problems.push(reason(me.reason));
  const pluginInfo = index.status === 'fulfilled' ? index.value.data.igny8 : undefined;
  const version =
    pluginInfo && typeof pluginInfo === 'object' && typeof (pluginInfo as { version?: unknown }).version === 'string'
      ? (pluginInfo as { version: string }).version
      : null;
  const plugin = { installed: version !== null, version };
  const capabilities = auth
    ? (Object.keys(CAPABILITIES) as Capability[]).filter((c) => me.value.capabilities[CAPABILITIES[c]] === true)
    : [];
  if (!rest || !auth) return report('down', { auth, rest, plugin, capabilities });
  if (!plugin.installed)
    problems.push('The IGNY8 companion plugin (igny8-seo-meta) is not active: SEO meta and webhooks will not work.');
  for (const c of Object.keys(CAPABILITIES) as Capability[])
    if (!capabilities.includes(c)) problems.push(`The WordPress user cannot ${c.replace('_', ' ')}.`);
  return report(problems.length ? 'degraded' : 'healthy', { auth, rest, plugin, capabilities });
}

/** The history line of a health check. */
export function healthEvent(report: HealthReport) {
  return {
    kind: 'health' as const,
    status: report.status === 'down' ? ('failed' as const) : ('ok' as const),
    summary: `${report.status}${report.problems.length ? `: ${report.problems.join(' ')}` : ''}`,
    detail: { status: report.status },
    duration_ms: report.checks.latency_ms,
  };
}
