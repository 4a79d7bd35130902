import { and, eq, inArray } from 'drizzle-orm';
import { aiTaskLogs, automationRuns, content } from '../../../core/schema/shard';
import type { ShardDb } from '../../db/shards';

/** Work that lives in a site's coordinator (Durable Object keyed by the site's id) while it is unfinished. */
export interface BusyItem {
  kind: 'job' | 'automation_run' | 'scheduled_publish';
  id: string;
  site_id: number;
}

const LIMIT = 20;

/**
 * What keeps an account from moving: AI jobs not finished, automation runs not finished, articles
 * scheduled to publish. Each is driven by the SiteCoordinator of `<account>:<site id>`, and a move gives the
 * site a new id (so a new coordinator): moving under them would strand them. Read from the shard (the
 * jobs' task log, the runs, the content rows), so no coordinator is woken to answer.
 */
export async function busyWork(db: ShardDb, accountId: number): Promise<BusyItem[]> {
  const [jobs, runs, scheduled] = await db.batch([
    db
      .select({ id: aiTaskLogs.job_id, site_id: aiTaskLogs.site_id })
      .from(aiTaskLogs)
      .where(and(eq(aiTaskLogs.account_id, accountId), inArray(aiTaskLogs.status, ['queued', 'running'])))
      .limit(LIMIT),
    db
      .select({ id: automationRuns.id, site_id: automationRuns.site_id })
      .from(automationRuns)
      .where(
        and(
          eq(automationRuns.account_id, accountId),
          inArray(automationRuns.status, ['queued', 'running', 'paused', 'awaiting_review']),
        ),
      )
      .limit(LIMIT),
    db
      .select({ id: content.id, site_id: content.site_id })
      .from(content)
      .where(and(eq(content.account_id, accountId), eq(content.status, 'scheduled')))
      .limit(LIMIT),
  ]);
  return [
    ...jobs.map((j) => ({ kind: 'job' as const, id: j.id, site_id: j.site_id })),
    ...runs.map((r) => ({ kind: 'automation_run' as const, id: r.id, site_id: r.site_id })),
    ...scheduled.map((c) => ({ kind: 'scheduled_publish' as const, id: String(c.id), site_id: c.site_id })),
  ];
}

export const describeBusy = (items: BusyItem[]) =>
  items.map((i) => `${i.kind.replace('_', ' ')} ${i.id} (site ${i.site_id})`).join(', ');
