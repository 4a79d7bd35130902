/**
 * The planner dashboard's numbers, all from the API's own counts (a page of one row is enough
 * to read `count`), in parallel. Tasks come from the writer's task list; where that API is not
 * served (an older deploy), ideas turned into tasks are counted instead: create_tasks marks them
 * scheduled (and publishing, published).
 */
import { KEYWORD_INTENTS } from '$core/domain/enums';
import { api, type ListSource, listOf, type Query } from '$lib/api/client';
import { ApiRequestError } from '$lib/api/errors';
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
  const keywordList = listOf(api.api.v1.planner.keywords);
  const clusterList = listOf(api.api.v1.planner.clusters);
  const ideaList = listOf(api.api.v1.planner.ideas);
  const count = (list: ListSource<unknown>, filter: Query = {}) =>
    list.page({ ...scope, ...filter, page_size: 1 }, signal).then((p) => p.count);
  const ideasSentToWriter = () =>
    Promise.all([count(ideaList, { status: 'scheduled' }), count(ideaList, { status: 'published' })]).then(
      ([s, p]) => s + p,
    );
  const taskCount = count(listOf(api.api.v1.writer.tasks)).catch((err) => {
    if (err instanceof ApiRequestError && err.code === 'route_not_found') return ideasSentToWriter();
    throw err;
  });
  const [keywords, unclustered, clusters, ideas, tasks, top, intents] = await Promise.all([
    count(keywordList),
    count(keywordList, { cluster_id: 'none' }),
    count(clusterList),
    count(ideaList),
    taskCount,
    clusterList.page({ ...scope, page_size: 8, ordering: '-volume' }, signal),
    Promise.all(KEYWORD_INTENTS.map((intent) => count(keywordList, { intent }).then((n) => ({ intent, count: n })))),
  ]);
  return { keywords, unclustered, clusters, ideas, tasks, byIntent: intents, topClusters: top.results };
}
