import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { normalizeClusterReply } from '../../../core/ai/normalize-reply';
import { normalizeKeyword } from '../../../core/domain/normalize';
import { keywords, sectors } from '../../../core/schema/shard';
import { forIdsWithinParamLimit, sqlList, withinParamLimit, type Statement } from '../../db/batch';
import { recomputeClusterMetrics } from '../cluster-metrics';
import {
  chunk,
  InvalidJobInput,
  InvalidReply,
  type AiFunctionDefinition,
} from '../../../durable-objects/site-coordinator/engine/ai-function';

/** Seed limit: at most 20 keywords per AI call; bigger selections are split, not refused. */
export const KEYWORDS_PER_CALL = 20;
/** Seed cost: 1 credit per 30 keywords, at least 1. */
export const creditsForKeywords = (n: number) => Math.max(1, Math.ceil(n / 30));

type Meta = {
  sector_id: number;
  keywords: { id: number; keyword: string; normalized: string }[];
  max_clusters?: number;
};
type ParsedCluster = { name: string; normalized_name: string; description: string; keyword_ids: number[] };
/** dropped: clusters of the reply that were unusable (no name, no keywords) and left out. */
type Parsed = { sector_id: number; clusters: ParsedCluster[]; invented: number; unassigned: number[]; dropped: number };

/** max_clusters: the plan's cluster limit when the job was accepted (set by the route, not the client). */
const input = z.object({
  keyword_ids: z.array(z.number().int().positive()).min(1).max(10_000),
  max_clusters: z.number().int().nonnegative().optional(),
});

export const autoCluster: AiFunctionDefinition<z.output<typeof input>, Meta, Parsed> = {
  name: 'auto_cluster',
  promptType: 'clustering',
  unitPlural: 'keyword batches',
  input,
  reserve: ({ keyword_ids }) => creditsForKeywords(new Set(keyword_ids).size),

  async prepare(ctx, { keyword_ids, max_clusters }) {
    const rows = [];
    for (const ids of chunk([...new Set(keyword_ids)], 90)) {
      rows.push(
        ...(await ctx.db
          .select({
            id: keywords.id,
            keyword: keywords.keyword,
            normalized: keywords.normalized,
            volume: keywords.volume,
            intent: keywords.intent,
            sector_id: keywords.sector_id,
          })
          .from(keywords)
          .where(
            and(eq(keywords.account_id, ctx.accountId), eq(keywords.site_id, ctx.siteId), inArray(keywords.id, ids)),
          )
          .all()),
      );
    }
    if (!rows.length) throw new InvalidJobInput('None of the selected keywords exist any more.');
    const sectorRows = await ctx.db
      .select({ id: sectors.id, name: sectors.name })
      .from(sectors)
      .where(
        and(eq(sectors.account_id, ctx.accountId), inArray(sectors.id, [...new Set(rows.map((r) => r.sector_id))])),
      )
      .all();
    // Batches never mix sectors (clusters belong to one), and alphabetical order keeps related
    // keywords ("raised bed …") in the same call more often than id order would.
    const batches = [];
    for (const sector of sectorRows.sort((a, b) => a.id - b.id)) {
      const inSector = rows
        .filter((r) => r.sector_id === sector.id)
        .sort((a, b) => a.normalized.localeCompare(b.normalized));
      for (const part of chunk(inSector, KEYWORDS_PER_CALL)) {
        batches.push({
          index: batches.length,
          input: {
            sector: sector.name,
            keywords: part.map((k) => ({ keyword: k.keyword, volume: k.volume, intent: k.intent })),
          },
          meta: {
            sector_id: sector.id,
            keywords: part.map((k) => ({ id: k.id, keyword: k.keyword, normalized: k.normalized })),
            max_clusters,
          },
        });
      }
    }
    return {
      batches,
      summary: `Clustering ${rows.length} keywords in ${sectorRows.length} sector${sectorRows.length === 1 ? '' : 's'}`,
    };
  },

  parse(reply, batch) {
    const result = normalizeClusterReply(reply);
    if (!result.ok) throw new InvalidReply(result.reason);
    const idOf = new Map(batch.meta.keywords.map((k) => [normalizeKeyword(k.keyword), k.id]));
    const placed = new Set<number>();
    let invented = 0;
    const parsedClusters: ParsedCluster[] = [];
    for (const c of result.value.clusters) {
      const ids: number[] = [];
      for (const kw of c.keywords) {
        const id = idOf.get(normalizeKeyword(kw));
        if (id === undefined)
          invented++; // a keyword the model made up: dropped
        else if (!placed.has(id)) {
          placed.add(id); // a keyword placed twice is kept once, in its first cluster
          ids.push(id);
        }
      }
      const normalized_name = normalizeKeyword(c.name);
      const same = parsedClusters.find((p) => p.normalized_name === normalized_name);
      if (same) same.keyword_ids.push(...ids);
      else if (ids.length)
        parsedClusters.push({ name: c.name, normalized_name, description: c.description, keyword_ids: ids });
    }
    if (!parsedClusters.length) throw new InvalidReply("none of the given keywords are in the reply's clusters");
    const unassigned = batch.meta.keywords.map((k) => k.id).filter((id) => !placed.has(id));
    return { sector_id: batch.meta.sector_id, clusters: parsedClusters, invented, unassigned, dropped: result.dropped };
  },

  save(ctx, prepared, parsed) {
    const now = Date.now();
    // Merge what different calls named the same cluster in the same sector.
    const merged = new Map<string, ParsedCluster & { sector_id: number }>();
    for (const p of parsed) {
      for (const c of p.clusters) {
        const key = `${p.sector_id}|${c.normalized_name}`;
        const existing = merged.get(key);
        if (existing) existing.keyword_ids.push(...c.keyword_ids);
        else merged.set(key, { ...c, keyword_ids: [...c.keyword_ids], sector_id: p.sector_id });
      }
    }
    const all = [...merged.values()];
    const clusteredIds = all.flatMap((c) => c.keyword_ids);
    const statements: Statement[] = [];
    // New clusters; a name that exists in the sector already is reused (and a replay inserts nothing).
    // The plan's max_clusters is counted inside each INSERT: only new names are numbered, and a row
    // goes in only while the account's clusters + its number stay within the limit, so a job never
    // passes it (the statements run in order in one transaction). Keywords of a cluster that could
    // not be created stay as they were (see the UPDATE below).
    const maxClusters = prepared.batches[0]?.meta.max_clusters ?? Number.MAX_SAFE_INTEGER;
    // Each statement under D1's 100 bound parameters (withinParamLimit sizes the parts).
    statements.push(
      ...withinParamLimit(all, (rows) => {
        const values = sql.join(
          rows.map((c) => sql`(${c.sector_id}, ${c.name}, ${c.normalized_name}, ${c.description})`),
          sql`, `,
        );
        return sql`
        INSERT INTO clusters (account_id, site_id, sector_id, name, normalized_name, description, source_job_id,
                              created_at, updated_at)
        SELECT ${ctx.accountId}, ${ctx.siteId}, v.sector_id, v.name, v.normalized_name, v.description, ${ctx.jobId},
               ${now}, ${now}
        FROM (
          SELECT column1 AS sector_id, column2 AS name, column3 AS normalized_name, column4 AS description,
                 row_number() OVER () AS n
          FROM (VALUES ${values})
          WHERE NOT EXISTS (SELECT 1 FROM clusters
                            WHERE account_id = ${ctx.accountId} AND sector_id = column1 AND normalized_name = column3)
        ) AS v
        WHERE v.n + (SELECT count(*) FROM clusters WHERE account_id = ${ctx.accountId}) <= ${maxClusters}
        ON CONFLICT (account_id, sector_id, normalized_name) DO NOTHING`;
      }),
    );
    statements.push(
      ...forIdsWithinParamLimit(
        clusteredIds,
        (ids) =>
          sql`DELETE FROM keyword_clusters WHERE account_id = ${ctx.accountId} AND keyword_id IN (${sqlList(ids)})`,
      ),
    );
    for (const c of all) {
      // A cluster the plan's limit kept out (EXISTS fails): its keywords keep their state instead
      // of turning 'active' with no cluster.
      statements.push(
        ...forIdsWithinParamLimit(
          c.keyword_ids,
          (ids) => sql`
          UPDATE keywords SET status = 'active', updated_at = ${now},
            cluster_id = (SELECT id FROM clusters WHERE account_id = ${ctx.accountId} AND sector_id = ${c.sector_id}
                            AND normalized_name = ${c.normalized_name})
          WHERE account_id = ${ctx.accountId} AND id IN (${sqlList(ids)})
            AND EXISTS (SELECT 1 FROM clusters WHERE account_id = ${ctx.accountId} AND sector_id = ${c.sector_id}
                          AND normalized_name = ${c.normalized_name})`,
        ),
      );
    }
    statements.push(
      ...forIdsWithinParamLimit(
        clusteredIds,
        (ids) => sql`
        INSERT OR IGNORE INTO keyword_clusters (account_id, keyword_id, cluster_id, created_at)
        SELECT account_id, id, cluster_id, ${now} FROM keywords
        WHERE account_id = ${ctx.accountId} AND cluster_id IS NOT NULL AND id IN (${sqlList(ids)})`,
      ),
    );
    statements.push(
      recomputeClusterMetrics(
        ctx.accountId,
        all.map((c) => c.sector_id),
      ),
    );
    const sent = parsed.reduce(
      (n, p) => n + p.clusters.reduce((m, c) => m + c.keyword_ids.length, 0) + p.unassigned.length,
      0,
    );
    return {
      statements,
      charge: creditsForKeywords(sent),
      changed: ['clusters', 'keywords'],
      result: {
        clusters: all.length,
        cluster_names: all.map((c) => c.name).slice(0, 50),
        keywords_clustered: clusteredIds.length,
        keywords_unassigned: parsed.reduce((n, p) => n + p.unassigned.length, 0),
        invented_keywords_dropped: parsed.reduce((n, p) => n + p.invented, 0),
        clusters_dropped: parsed.reduce((n, p) => n + p.dropped, 0),
      },
    };
  },
};
