/**
 * The planner dashboard's numbers, all from the API's own counts (a page of one row is enough
 * to read `count`), in parallel. Tasks come from the writer's task list; where that API is not
 * served (an older deploy), ideas turned into tasks are counted instead: create_tasks marks them
 * scheduled (and publishing, published).
 */
import { KEYWORD_INTENTS } from '$core/domain/enums';
import { api, type Query } from '$lib/api/client';
import { ApiRequestError } from '$lib/api/errors';
import { API } from '$lib/api/paths';
import type { Cluster } from '$lib/api/planner-types';

export interface PlannerFigures {
  keywords: number;
  unclustered: number;
  clusters: number;
  ideas: number;
  tasks: number;
  byIntent: { intent: (typeof KEYWORD_INTENTS)[number]; count: number }[];
  topClusters: Cluster[];
}

export async function loadFigures(scope: Query, signal: AbortSignal): Promise<PlannerFigures> {
  const count = (path: string, filter: Query = {}) =>
    api.page(path, { ...scope, ...filter, page_size: 1 }, { signal }).then((p) => p.count);
  const ideasSentToWriter = () =>
    Promise.all([count(API.ideas, { status: 'scheduled' }), count(API.ideas, { status: 'published' })]).then(
      ([s, p]) => s + p,
    );
  const taskCount = count(API.tasks).catch((err) => {
    if (err instanceof ApiRequestError && err.code === 'route_not_found') return ideasSentToWriter();
    throw err;
  });
  const [keywords, unclustered, clusters, ideas, tasks, top, intents] = await Promise.all([
    count(API.keywords),
    count(API.keywords, { cluster_id: 'none' }),
    count(API.clusters),
    count(API.ideas),
    taskCount,
    api.page<Cluster>(API.clusters, { ...scope, page_size: 8, ordering: '-volume' }, { signal }),
    Promise.all(KEYWORD_INTENTS.map((intent) => count(API.keywords, { intent }).then((n) => ({ intent, count: n })))),
  ]);
  return { keywords, unclustered, clusters, ideas, tasks, byIntent: intents, topClusters: top.results };
}
