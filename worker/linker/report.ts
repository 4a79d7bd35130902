/**
 * A site's link report (issue 11, scope item 5), read from the inventory the projections keep
 * (site_pages, site_links): orphan pages, broken links, and per cluster its hub and spokes with
 * the links between them. Live pages (published or scheduled) only: a draft is no page yet.
 */
import { and, eq } from 'drizzle-orm';
import { clusters, siteLinks } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';
import { sitePagesOf } from '../inventory/service';

type Page = Awaited<ReturnType<typeof sitePagesOf>>[number];
const isLive = (p: Page) => p.status === 'published' || p.status === 'scheduled';
const pageView = (p: Page) => ({
  page_id: p.id,
  kind: p.kind,
  ref_id: p.ref_id,
  url: p.url,
  title: p.title,
  status: p.status,
  cluster_id: p.cluster_id,
  inbound_count: p.inbound_count,
  outbound_count: p.outbound_count,
});

export async function linkReport(db: ShardDb, accountId: number, siteId: number) {
  const [pages, links, clusterRows] = await Promise.all([
    sitePagesOf(db, accountId, siteId),
    db
      .select({
        source_page_id: siteLinks.source_page_id,
        href: siteLinks.href,
        target_page_id: siteLinks.target_page_id,
        broken: siteLinks.broken,
      })
      .from(siteLinks)
      .where(and(eq(siteLinks.account_id, accountId), eq(siteLinks.site_id, siteId)))
      .all(),
    db
      .select({ id: clusters.id, name: clusters.name })
      .from(clusters)
      .where(and(eq(clusters.account_id, accountId), eq(clusters.site_id, siteId)))
      .all(),
  ]);
  const byId = new Map(pages.map((p) => [p.id, p]));
  const live = pages.filter(isLive);
  // Synced WordPress posts and terms are link targets, but the links between them live in WordPress (never
  // read): an inbound count of 0 says nothing about them, so they are never reported as orphans.
  const synced = (p: Page) => p.kind === 'wordpress' || p.kind === 'wordpress_term';
  const orphans = live.filter((p) => p.inbound_count === 0 && !synced(p)).map(pageView);
  const broken = links
    .filter((l) => l.broken !== null)
    .map((l) => {
      const source = byId.get(l.source_page_id);
      return {
        href: l.href,
        reason: l.broken,
        source_page_id: l.source_page_id,
        source_kind: source?.kind ?? null,
        source_ref_id: source?.ref_id ?? null,
        source_title: source?.title ?? '',
        source_url: source?.url ?? '',
      };
    });
  // Which page links to which (resolved, working links), once per pair.
  const linked = new Set(links.filter((l) => !l.broken && l.target_page_id).map((l) => pairKey(l)));
  const names = new Map(clusterRows.map((c) => [c.id, c.name]));
  const byCluster = new Map<number, Page[]>();
  for (const p of live)
    if (p.cluster_id !== null) byCluster.set(p.cluster_id, [...(byCluster.get(p.cluster_id) ?? []), p]);
  const clusterMatrix = [...byCluster.entries()].map(([clusterId, members]) => {
    const hub = members.find((p) => p.is_hub) ?? null;
    const spokes = members.filter((p) => p !== hub);
    const toHub = hub ? spokes.filter((s) => linked.has(`${s.id}>${hub.id}`)) : [];
    return {
      cluster_id: clusterId,
      cluster_name: names.get(clusterId) ?? '',
      hub: hub && pageView(hub),
      spokes: spokes.map(pageView),
      hub_to_spoke: hub ? spokes.filter((s) => linked.has(`${hub.id}>${s.id}`)).length : 0,
      spoke_to_hub: toHub.length,
      spokes_not_linking_hub: hub ? spokes.filter((s) => !toHub.includes(s)).map(pageView) : [],
    };
  });
  return {
    pages: live.length,
    orphans,
    broken,
    clusters: clusterMatrix.sort((a, b) => a.cluster_id - b.cluster_id),
  };
}

const pairKey = (l: { source_page_id: number; target_page_id: number | null }) =>
  `${l.source_page_id}>${l.target_page_id}`;
