/**
 * What the Optimizer's bulk actions reach (issue 14 item 9): the articles checked by hand, or every
 * article its table shows for a filter ("all N matching"), read with the table's own WHERE so the
 * action never reaches a row the list would not show.
 */
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { content, contentScores } from '../../core/schema/shard';
import { MAX_SELECTION } from '../../core/validation/selection';
import type { ScoresFilter } from '../../core/validation/optimizer';
import type { Tenant } from '../db/tenant';
import { BadRequest } from '../http/errors';
import { selectionChanged } from '../http/scoped-resource';
import { requireSite } from '../http/site-access';
import { likePattern } from '../planner/scope';

/** The Optimizer table's WHERE: a site's articles, by sector, score band, status and title. */
export function filtersOf(accountId: number, q: ScoresFilter): SQL | undefined {
  const band =
    q.band === 'unscored' ? isNull(contentScores.score) : q.band ? eq(contentScores.band, q.band) : undefined;
  return and(
    eq(content.account_id, accountId),
    eq(content.site_id, q.site_id),
    q.sector_id ? eq(content.sector_id, q.sector_id) : undefined,
    band,
    q.status ? eq(content.status, q.status) : undefined,
    q.search ? sql`${content.title} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  );
}

/** The table's join: an article with its latest score, if it has one. */
export const withScore = and(
  eq(contentScores.account_id, content.account_id),
  eq(contentScores.content_id, content.id),
);

/**
 * The ids of every article the table shows for a filter, on a site the user may write, at most
 * `cap` (the action's batch). A count that moved since the user saw it is a 409 with the count now.
 * (Ids picked by hand are checked by each route as before: analyze per article, fixes as one selection.)
 */
export async function articlesMatching(
  tenant: Tenant,
  picked: { filter: ScoresFilter; expected_count?: number | undefined },
  cap: number,
  verb: string,
): Promise<{ siteId: number; ids: number[] }> {
  const site = await requireSite(tenant, picked.filter.site_id, 'write');
  const rows = await tenant.db
    .select({ id: content.id })
    .from(content)
    .leftJoin(contentScores, withScore)
    .where(filtersOf(tenant.account.id, picked.filter))
    .orderBy(content.id)
    .limit(MAX_SELECTION + 1)
    .all();
  if (picked.expected_count !== undefined && rows.length !== picked.expected_count) {
    throw selectionChanged('articles', rows.length);
  }
  if (!rows.length) throw new BadRequest('No articles match this filter.', 'empty_selection');
  if (rows.length > cap) {
    throw new BadRequest(
      `${rows.length.toLocaleString('en-US')} articles match: ${verb} at most ${cap} at once (narrow the filter).`,
      'selection_too_large',
    );
  }
  return { siteId: site.id, ids: rows.map((r) => r.id) };
}
