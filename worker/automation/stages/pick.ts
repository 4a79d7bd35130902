/**
 * What a run takes in when its stage has no earlier stage to hand it work (the run's first stage):
 * the keywords to cluster, in the rule's pick order, and the pools of the later stages. Selection is
 * always the rule's sector (or the whole site) and never what another run of the site is working on.
 */
import { sql } from 'drizzle-orm';
import type { PickOrder } from '../../../core/domain/enums';
import type { ShardDb } from '../../db/shards';

export interface PickedKeyword {
  id: number;
  keyword: string;
  volume: number;
  difficulty: number;
}

/**
 * Keywords not clustered yet and not archived. `priority` ranks by opportunity: volume weighted by
 * how easy the keyword is (volume × (100 − difficulty)); ties go to the older keyword.
 */
const KEYWORD_ORDER: Record<PickOrder, ReturnType<typeof sql>> = {
  volume: sql`volume DESC, id ASC`,
  difficulty: sql`difficulty ASC, volume DESC, id ASC`,
  priority: sql`volume * (100 - min(max(difficulty, 0), 100)) DESC, volume DESC, id ASC`,
};

/** Keyword ids held by the clustering stage of the site's other unfinished runs. */
const heldByOtherRuns = (accountId: number, siteId: number, runId: string | null) => sql`
  SELECT CAST(j.value AS INTEGER) FROM automation_runs r, json_each(r.stages, '$[0].input_ids') j
  WHERE r.account_id = ${accountId} AND r.site_id = ${siteId} AND r.id != ${runId ?? ''}
    AND r.status IN ('queued', 'running', 'paused')`;

export async function pickKeywords(
  db: ShardDb,
  accountId: number,
  siteId: number,
  sectorId: number | null,
  order: PickOrder,
  limit: number,
  opts: { runId?: string; onlyIds?: number[] } = {},
): Promise<PickedKeyword[]> {
  const only = opts.onlyIds ? sql`AND id IN (SELECT value FROM json_each(${JSON.stringify(opts.onlyIds)}))` : sql``;
  return db.all<PickedKeyword>(sql`
    SELECT id, keyword, volume, difficulty FROM keywords
    WHERE account_id = ${accountId} AND site_id = ${siteId}
      ${sectorId === null ? sql`` : sql`AND sector_id = ${sectorId}`}
      AND cluster_id IS NULL AND status != 'archived' ${only}
      AND id NOT IN (${heldByOtherRuns(accountId, siteId, opts.runId ?? null)})
    ORDER BY ${KEYWORD_ORDER[order]}
    LIMIT ${limit}`);
}

interface Scope {
  accountId: number;
  siteId: number;
  sectorId: number | null;
}
const inSector = (s: Scope) => (s.sectorId === null ? sql`` : sql`AND sector_id = ${s.sectorId}`);
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

/** Clusters that have no ideas yet, biggest first. */
export async function pickClustersWithoutIdeas(db: ShardDb, s: Scope, limit: number) {
  return ids(
    await db.all<{ id: number }>(sql`
      SELECT id FROM clusters c
      WHERE account_id = ${s.accountId} AND site_id = ${s.siteId} ${inSector(s)} AND status = 'active'
        AND NOT EXISTS (SELECT 1 FROM content_ideas i WHERE i.account_id = c.account_id AND i.cluster_id = c.id)
      ORDER BY volume DESC, id ASC LIMIT ${limit}`),
  );
}

/** New ideas without a task, oldest first. */
export async function pickNewIdeas(db: ShardDb, s: Scope, limit: number) {
  return ids(
    await db.all<{ id: number }>(sql`
      SELECT id FROM content_ideas i
      WHERE account_id = ${s.accountId} AND site_id = ${s.siteId} ${inSector(s)} AND status = 'new'
        AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = i.account_id AND t.idea_id = i.id)
      ORDER BY id ASC LIMIT ${limit}`),
  );
}

/** Of these clusters, those with no ideas yet (a cluster that already has ideas is not asked again). */
export async function clustersWithoutIdeas(db: ShardDb, accountId: number, clusterIds: number[]) {
  if (!clusterIds.length) return [];
  return ids(
    await db.all<{ id: number }>(sql`
      SELECT id FROM clusters c
      WHERE account_id = ${accountId} AND id IN (SELECT value FROM json_each(${JSON.stringify(clusterIds)}))
        AND NOT EXISTS (SELECT 1 FROM content_ideas i WHERE i.account_id = c.account_id AND i.cluster_id = c.id)
      ORDER BY id ASC`),
  );
}

/** Queued tasks that have no article yet: of `taskIds`, or the scope's oldest when null. */
export async function writableTasks(db: ShardDb, s: Scope, taskIds: number[] | null, limit: number) {
  const which =
    taskIds === null
      ? sql`AND site_id = ${s.siteId} ${inSector(s)}`
      : sql`AND id IN (SELECT value FROM json_each(${JSON.stringify(taskIds)}))`;
  return ids(
    await db.all<{ id: number }>(sql`
      SELECT id FROM tasks WHERE account_id = ${s.accountId} ${which} AND status = 'queued' AND content_id IS NULL
      ORDER BY id ASC LIMIT ${limit}`),
  );
}

/** Drafts with text and no image rows yet (the scope's, for a rule that starts at image prompts). */
export async function pickDraftsWithoutImages(db: ShardDb, s: Scope, limit: number) {
  return ids(
    await db.all<{ id: number }>(sql`
      SELECT id FROM content c
      WHERE account_id = ${s.accountId} AND site_id = ${s.siteId} ${inSector(s)} AND status = 'draft'
        AND html_content != ''
        AND NOT EXISTS (SELECT 1 FROM images m WHERE m.account_id = c.account_id AND m.content_id = c.id)
      ORDER BY id ASC LIMIT ${limit}`),
  );
}

/** Image rows still to generate: of `imageIds` (or the scope's), featured only when asked, featured first. */
export async function pendingImages(
  db: ShardDb,
  s: Scope,
  imageIds: number[] | null,
  featuredOnly: boolean,
  limit: number,
) {
  const which =
    imageIds === null
      ? sql`AND site_id = ${s.siteId} ${inSector(s)}`
      : sql`AND id IN (SELECT value FROM json_each(${JSON.stringify(imageIds)}))`;
  return ids(
    await db.all<{ id: number }>(sql`
      SELECT id FROM images WHERE account_id = ${s.accountId} ${which} AND status = 'pending'
        ${featuredOnly ? sql`AND image_type = 'featured'` : sql``}
      ORDER BY image_type = 'featured' DESC, content_id ASC, id ASC LIMIT ${limit}`),
  );
}
