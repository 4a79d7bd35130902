import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';

/**
 * One per content draft: the Yjs document editors and the AI write into (issue 3/3, "Writer").
 * Declared from the foundation on so the Durable Object migration tag (v1) stays stable.
 */
export class DraftRoom extends DurableObject<Env> {
  async describe(): Promise<{ kind: 'draft-room'; schema_version: number }> {
    return { kind: 'draft-room', schema_version: 0 };
  }
}
