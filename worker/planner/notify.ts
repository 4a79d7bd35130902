import type { Context } from 'hono';
import type { DataEntity } from '../../core/realtime/events';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import type { AppEnv } from '../env';
import type { Tenant } from '../middleware/tenant';

/**
 * Tells everyone looking at the site that data changed (they refetch): after the response, via
 * waitUntil, so a slow or failing notification never fails the write.
 */
export function notifySite(c: Context<AppEnv>, tenant: Tenant, siteId: number, entities: DataEntity[]) {
  const send = coordinatorOf(c.env, tenant.account.id, siteId)
    .notifyDataChanged(entities)
    .catch(() => undefined);
  try {
    c.executionCtx.waitUntil(send);
  } catch {
    /* no execution context (app.request in a unit test): fire and forget */
  }
}
