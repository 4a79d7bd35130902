/**
 * What the SiteCoordinator pushes to every member connected to a site (over one WebSocket per
 * site). A discriminated union with a version: clients ignore a version they don't know.
 */
import type { JobView } from '../ai/jobs';
import type { AutomationRunView } from '../automation/run';

export const REALTIME_PROTOCOL_VERSION = 1;

/** What a data.changed event can name: one list, so a page that reloads everything misses none. */
export const DATA_ENTITIES = [
  'keywords',
  'clusters',
  'ideas',
  'tasks',
  'content',
  'images',
  'link_suggestions',
  'blueprints',
  'pages',
  'assets',
  'deployments',
  'automation_rules',
  'automation_runs',
  'integrations',
] as const;
export type DataEntity = (typeof DATA_ENTITIES)[number];

export type CoordinatorEvent =
  | { v: 1; type: 'snapshot'; jobs: JobView[]; members: PresenceMember[] }
  | { v: 1; type: 'job'; job: JobView }
  | { v: 1; type: 'data.changed'; entities: DataEntity[]; job_id: string | null }
  | { v: 1; type: 'presence'; members: PresenceMember[] }
  /** An automation run moved (a stage started or finished, counts changed): the seven-stage bar follows. */
  | { v: 1; type: 'automation.run'; run: AutomationRunView }
  | { v: 1; type: 'pong'; t: number };

export interface PresenceMember {
  user_id: number;
  name: string;
  connections: number;
}

/** Messages a client may send. */
export type ClientMessage = { type: 'ping'; t: number };

export function parseClientMessage(raw: string): ClientMessage | null {
  try {
    const m = JSON.parse(raw) as Partial<ClientMessage>;
    if (m.type === 'ping' && typeof m.t === 'number') return { type: 'ping', t: m.t };
  } catch {
    /* not JSON: ignored */
  }
  return null;
}
