import type { Remote } from '../../../core/lib/remote';
import type { Env } from '../../../worker/env';
import { coordinatorName, type SiteCoordinatorRpc } from './protocol';

/** The coordinator's stub as the Worker uses it: the RPC methods of protocol.ts, and fetch for sockets. */
export type CoordinatorStub = Remote<SiteCoordinatorRpc> & { fetch(request: Request): Promise<Response> };

/**
 * The SiteCoordinator of a site. Callers check the member's access to the site first: the object
 * trusts what it is told (the Worker is its only caller).
 */
export function coordinatorOf(env: Env, accountId: number, siteId: number): CoordinatorStub {
  const ns = env.SITE_COORDINATOR;
  // Typed through the protocol, not the class: RPC typing can't express JobView's open `result`
  // record, and the worker must not import a Durable Object class.
  return ns.get(ns.idFromName(coordinatorName(accountId, siteId))) as unknown as CoordinatorStub;
}
