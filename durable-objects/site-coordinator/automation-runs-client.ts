import type { Remote } from '../../core/lib/remote';
import type { Env } from '../../worker/env';
import type { AutomationRunsRpc } from './automation-runs-protocol';
import { coordinatorName } from './engine/protocol';

/**
 * The automation-run methods of a site's coordinator (the same object as engine/client.ts reaches).
 * Callers check access to the run first: the object trusts what it is told.
 */
export function automationRunsOf(env: Env, accountId: number, siteId: number): Remote<AutomationRunsRpc> {
  const ns = env.SITE_COORDINATOR;
  // Typed through the protocol, not the class: the worker must not import a Durable Object class.
  return ns.get(ns.idFromName(coordinatorName(accountId, siteId))) as unknown as Remote<AutomationRunsRpc>;
}
