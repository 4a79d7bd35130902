/**
 * The keywords table (page-local config): columns, filters, and the bulk actions a writer gets.
 * Everything is server-side: the API filters, sorts and pages; the page only describes it.
 */
import { KEYWORD_INTENTS, KEYWORD_STATUSES } from '$core/domain/enums';
import { api, param, read, type ListSource, type Query } from '$lib/api/client';
import type { Keyword } from '$lib/api/planner-types';
import { deleteAction, editAction } from '$lib/config/snippets/actions';
import { badgeColumn, nameColumn, numberColumn, statusColumn } from '$lib/config/snippets/columns';
import { enumFilter, idFilter, rangeFilter, statusFilter } from '$lib/config/snippets/filters';
import { humanize, plural } from '$lib/format';
import type { ClusterDirectory } from '$lib/planner/cluster-directory.svelte';
import { startAiJob } from '$lib/realtime/start-job';
import { selectionBody, selectionDeleteAction, targetOf } from '$lib/templates/bulk';
import type { Cell, TableConfig } from '$lib/templates/types';

export const KEYWORD_NOUN = { one: 'keyword', many: 'keywords' };

type BulkStatusJson = Parameters<typeof api.api.v1.planner.keywords.bulk_update_status.$post>[0]['json'];

/** A cluster's page: its keywords (the keyword list filtered to it, a shareable URL). */
export const clusterKeywordsHref = (clusterId: number) => `/planner/keywords?cluster_id=${clusterId}`;

/** Easy, medium, hard: the colour says it, the number stays (and reads) as is. */
function difficultyCell(d: number): Cell {
  return { kind: 'badge', text: String(d), tone: d < 30 ? 'success' : d < 60 ? 'warning' : 'danger' };
}

export function keywordTable(opts: {
  title: string;
  /** null: no site or sector to show keywords of (then `unavailable` explains). */
  endpoint: ListSource<Keyword> | null;
  unavailable: { title: string; body: string };
  query: Query;
  clusters: ClusterDirectory;
  canWrite: boolean;
  onEdit: (keyword: Keyword) => void;
}): TableConfig<Keyword> {
  const { clusters, canWrite } = opts;
  return {
    title: opts.title,
    description: 'Import keywords by CSV or add them by hand, then let the AI group them into topic clusters.',
    endpoint: opts.endpoint,
    unavailable: opts.unavailable,
    query: opts.query,
    columns: [
      nameColumn<Keyword>({ label: 'Keyword', name: (k) => k.keyword, sortKey: 'keyword' }),
      numberColumn<Keyword>('volume', 'Volume', (k) => k.volume, { sortKey: 'volume' }),
      {
        key: 'difficulty',
        label: 'Difficulty',
        sortKey: 'difficulty',
        align: 'right',
        cell: (k) => difficultyCell(k.difficulty),
      },
      badgeColumn<Keyword>('intent', 'Intent', (k) => k.intent, { sortKey: 'intent' }),
      {
        key: 'cluster',
        label: 'Cluster',
        // The cluster's name links to its keywords;
        // "…" while the names load; "—" is for keywords in no cluster.
        cell: (k) => ({
          kind: 'link',
          text: clusters.nameOf(k.cluster_id) ?? (k.cluster_id ? '…' : '—'),
          href: k.cluster_id ? clusterKeywordsHref(k.cluster_id) : null,
        }),
      },
      statusColumn<Keyword>(),
    ],
    filters: [
      statusFilter(KEYWORD_STATUSES),
      enumFilter('intent', 'Intent', KEYWORD_INTENTS),
      idFilter(
        'cluster_id',
        'Cluster',
        [{ value: 'none', label: 'No cluster' }, ...clusters.clusters.map((c) => ({ value: c.id, label: c.name }))],
        'Any cluster',
      ),
      rangeFilter('volume', 'Volume', { min: 0 }),
      rangeFilter('difficulty', 'Difficulty', { min: 0, max: 100 }),
    ],
    search: { label: 'Search keywords', placeholder: 'Search keywords' },
    defaultOrdering: '-volume',
    rowKey: (k) => k.id,
    rowLabel: (k) => k.keyword,
    rowActions: canWrite
      ? [
          editAction<Keyword>(opts.onEdit),
          deleteAction<Keyword>({
            noun: KEYWORD_NOUN,
            path: (k) => read(api.api.v1.planner.keywords[':id'].$delete({ param: { id: param(k.id) } })),
            name: (k) => k.keyword,
            consequence: 'The keyword is removed from its sector and from its cluster.',
          }),
        ]
      : [],
    bulkActions: canWrite
      ? [
          {
            id: 'auto_cluster',
            label: 'Auto cluster',
            icon: 'sparkles',
            acrossPages: true,
            run: (rows, _choice, target) =>
              startAiJob(
                () =>
                  read(api.api.v1.planner.keywords.auto_cluster.$post({ json: selectionBody(targetOf(rows, target)) })),
                `Clustering ${plural(targetOf(rows, target).count, 'keyword')}: follow it under AI jobs.`,
              ),
          },
          {
            id: 'status',
            label: 'Set status',
            choices: KEYWORD_STATUSES.map((s) => ({ value: s, label: humanize(s) })),
            acrossPages: true,
            run: async (rows, status, target) => {
              const json = selectionBody<BulkStatusJson>(targetOf(rows, target), {
                status: status as Keyword['status'],
              });
              const res = await read(api.api.v1.planner.keywords.bulk_update_status.$post({ json }));
              return `${plural(res.data.updated, 'keyword')} set to ${res.data.status}.`;
            },
          },
          selectionDeleteAction<Keyword>({
            noun: KEYWORD_NOUN,
            path: (target) => read(api.api.v1.planner.keywords.bulk_delete.$post({ json: selectionBody(target) })),
            consequence: 'The keywords are removed from their sector and clusters.',
          }),
        ]
      : [],
    noun: KEYWORD_NOUN,
    empty: canWrite
      ? {
          title: 'No keywords yet',
          body: 'Import a CSV of keywords with their volume and difficulty, or add one by hand.',
        }
      : { title: 'No keywords yet', body: 'Keywords imported by your team appear here.' },
  };
}
