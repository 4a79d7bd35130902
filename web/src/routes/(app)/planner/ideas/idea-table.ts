/** The ideas table (page-local config): ideas from AI jobs or by hand, turned into writer tasks. */
import type { Snippet } from 'svelte';
import { CONTENT_STRUCTURES, IDEA_STATUSES } from '$core/domain/enums';
import { api, param, read, type ListSource, type Query } from '$lib/api/client';
import type { Idea } from '$lib/api/planner-types';
import { deleteAction } from '$lib/config/snippets/actions';
import { badgeColumn, numberColumn, statusColumn, textColumn } from '$lib/config/snippets/columns';
import { enumFilter, idFilter, statusFilter } from '$lib/config/snippets/filters';
import { plural } from '$lib/format';
import type { ClusterDirectory } from '$lib/planner/cluster-directory.svelte';
import { selectionBody, selectionDeleteAction, targetOf } from '$lib/templates/bulk';
import type { TableConfig } from '$lib/templates/types';
import { clusterKeywordsHref } from '../keywords/keyword-table';

export const IDEA_NOUN = { one: 'idea', many: 'ideas' };

export function ideaTable(opts: {
  endpoint: ListSource<Idea> | null;
  query: Query;
  clusters: ClusterDirectory;
  canWrite: boolean;
  /** The title cell: a button that opens the idea (defined in the page, where snippets live). */
  titleCell: Snippet<[Idea]>;
  onOpen: (idea: Idea) => void;
}): TableConfig<Idea> {
  const { clusters, canWrite } = opts;
  return {
    title: 'Ideas',
    description: 'Article ideas per cluster, each with target keywords and a section outline the writer will follow.',
    endpoint: opts.endpoint,
    unavailable: { title: 'No site yet', body: 'Ideas belong to a sector of a site.' },
    query: opts.query,
    columns: [
      { key: 'idea_title', label: 'Idea', sortKey: 'idea_title', primary: true, snippet: opts.titleCell },
      {
        key: 'cluster',
        label: 'Cluster',
        cell: (i) => ({
          kind: 'link',
          text: clusters.nameOf(i.cluster_id) ?? (i.cluster_id ? '…' : '—'),
          href: i.cluster_id ? clusterKeywordsHref(i.cluster_id) : null,
        }),
      },
      badgeColumn<Idea>('content_structure', 'Structure', (i) => i.content_structure),
      numberColumn<Idea>('estimated_word_count', 'Words', (i) => i.estimated_word_count, {
        sortKey: 'estimated_word_count',
      }),
      textColumn<Idea>('outline', 'Outline', (i) => plural(i.outline.length, 'section')),
      statusColumn<Idea>(),
    ],
    filters: [
      statusFilter(IDEA_STATUSES),
      enumFilter('content_structure', 'Structure', CONTENT_STRUCTURES),
      idFilter(
        'cluster_id',
        'Cluster',
        clusters.clusters.map((c) => ({ value: c.id, label: c.name })),
        'Any cluster',
      ),
    ],
    search: { label: 'Search ideas', placeholder: 'Search idea titles' },
    defaultOrdering: '-created_at',
    rowKey: (i) => i.id,
    rowLabel: (i) => i.idea_title,
    rowActions: [
      { id: 'open', label: 'Open', icon: 'review', run: opts.onOpen, reload: false },
      ...(canWrite
        ? [
            deleteAction<Idea>({
              noun: IDEA_NOUN,
              path: (i) => read(api.api.v1.planner.ideas[':id'].$delete({ param: { id: param(i.id) } })),
              name: (i) => i.idea_title,
            }),
          ]
        : []),
    ],
    bulkActions: canWrite
      ? [
          {
            id: 'tasks',
            label: 'Create tasks',
            icon: 'tasks',
            acrossPages: true,
            run: async (rows, _choice, target) => {
              const res = await read(
                api.api.v1.planner.ideas.create_tasks.$post({ json: selectionBody(targetOf(rows, target)) }),
              );
              const { created, already_had_tasks: already } = res.data;
              return (
                `${plural(created, 'writer task')} created` +
                `${already ? `; ${plural(already, 'idea')} already had one` : ''}.`
              );
            },
          },
          selectionDeleteAction<Idea>({
            noun: IDEA_NOUN,
            path: (target) => read(api.api.v1.planner.ideas.bulk_delete.$post({ json: selectionBody(target) })),
          }),
        ]
      : [],
    noun: IDEA_NOUN,
    empty: canWrite
      ? { title: 'No ideas yet', body: 'On the Clusters page, select clusters and choose Generate ideas.' }
      : { title: 'No ideas yet', body: 'Ideas your team generates appear here.' },
  };
}
