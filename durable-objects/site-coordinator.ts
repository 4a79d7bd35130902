import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';

/**
 * One per site (idFromName(`site:<account>:<site>`)): the AI job queue and the live progress
 * socket of that site. Issue 2/3 ("Planner and the AI engine") builds the engine here; the class
 * and its binding exist from the foundation on so that the Durable Object migration tag (v1)
 * never has to be rewritten.
 */
export class SiteCoordinator extends DurableObject<Env> {
  /** Liveness probe used by the health check; returns the storage's SQL schema version. */
  async describe(): Promise<{ kind: 'site-coordinator'; schema_version: number }> {
    return { kind: 'site-coordinator', schema_version: 0 };
  }
}
