import type { Context } from 'hono';
import type { JobView } from '../../core/ai/jobs';
import type { AiFunction } from '../../core/domain/enums';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import type { AppEnv } from '../env';
import { ApiError, BadRequest, InsufficientCredits } from '../http/errors';
import { sha256Hex } from '../lib/crypto';
import type { Tenant } from '../middleware/tenant';

/**
 * A job id: random, or derived from the client's `Idempotency-Key` so that a retried POST (a
 * double click, a flaky network) returns the same job instead of charging twice. The site is part
 * of it: each site's coordinator keeps its own jobs, so the same key sent to another site must not
 * name a job whose credits were reserved there (it would run on that hold, unpaid).
 */
async function jobIdFor(c: Context<AppEnv>, tenant: Tenant, siteId: number, fn: AiFunction) {
  const key = c.req.header('idempotency-key');
  if (!key) return crypto.randomUUID();
  if (key.length > 200) throw new BadRequest('Idempotency-Key is at most 200 characters.');
  return `idem-${(await sha256Hex(`${tenant.account.id}|${tenant.user.id}|${siteId}|${fn}|${key}`)).slice(0, 32)}`;
}

/** Hands a job to the site's coordinator: 402 if the account can't pay, nothing queued then. */
export async function startJob(
  c: Context<AppEnv>,
  tenant: Tenant,
  siteId: number,
  fn: AiFunction,
  input: unknown,
  retryOf: string | null = null,
): Promise<JobView> {
  const result = await coordinatorOf(c.env, tenant.account.id, siteId).enqueue({
    id: await jobIdFor(c, tenant, siteId, fn),
    account_id: tenant.account.id,
    shard: tenant.shard,
    site_id: siteId,
    user_id: tenant.user.id,
    user_name: tenant.user.name || tenant.user.email,
    function: fn,
    input,
    retry_of: retryOf,
  });
  if (result.ok) return result.job;
  if (result.code === 'insufficient_credits') throw new InsufficientCredits(result.message);
  throw new ApiError(400, result.message, 'invalid_job_input');
}
