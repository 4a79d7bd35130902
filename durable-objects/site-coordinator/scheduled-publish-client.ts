import type { Remote } from '../../core/lib/remote';
import type { Env } from '../../worker/env';
import { coordinatorName } from './engine/protocol';
import type { ScheduledPublishRpc } from './scheduled-publish-protocol';

/**
 * The scheduling methods of a site's coordinator (the same object as engine/client.ts reaches).
 * Callers check the member's access to the site first: the object trusts what it is told.
 */
export function schedulerOf(env: Env, accountId: number, siteId: number): Remote<ScheduledPublishRpc> {
  const ns = env.SITE_COORDINATOR;
  // Typed through the protocol, not the class: the worker must not import a Durable Object class.
  return ns.get(ns.idFromName(coordinatorName(accountId, siteId))) as unknown as Remote<ScheduledPublishRpc>;
}
