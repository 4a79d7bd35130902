/** The clusters table (page-local config): metrics kept by the API, members, ideas, edits. */
import { CLUSTER_STATUSES } from '$core/domain/enums';
import { api, param, read, type ListSource, type Query } from '$lib/api/client';
import type { Cluster } from '$lib/api/planner-types';
import { deleteAction, editAction } from '$lib/config/snippets/actions';
import { createdColumn, numberColumn, statusColumn } from '$lib/config/snippets/columns';
import { statusFilter } from '$lib/config/snippets/filters';
import { plural } from '$lib/format';
import { selectionBody, selectionDeleteAction, targetOf } from '$lib/templates/bulk';
import type { BulkTarget, TableConfig } from '$lib/templates/types';
import { clusterKeywordsHref } from '../keywords/keyword-table';

export const CLUSTER_NOUN = { one: 'cluster', many: 'clusters' };

export function clusterTable(opts: {
  endpoint: ListSource<Cluster> | null;
  query: Query;
  canWrite: boolean;
  onMembers: (cluster: Cluster) => void;
  onGenerateIdeas: (clusters: Cluster[], target?: BulkTarget) => void;
  onEdit: (cluster: Cluster) => void;
}): TableConfig<Cluster> {
  const { canWrite } = opts;
  return {
    title: 'Clusters',
    description: 'Topic clusters: related keywords grouped together, each the seed of a few articles.',
    endpoint: opts.endpoint,
    unavailable: { title: 'No site yet', body: 'Clusters belong to a sector of a site.' },
    query: opts.query,
    columns: [
      {
        key: 'name',
        label: 'Cluster',
        sortKey: 'name',
        primary: true,
        // The name opens the cluster's keywords; its ideas are one filter away on Ideas.
        cell: (c) => ({
          kind: 'link',
          text: c.name,
          href: clusterKeywordsHref(c.id),
          sub: c.description || null,
          strong: true,
        }),
      },
      numberColumn<Cluster>('keywords_count', 'Keywords', (c) => c.keywords_count, { sortKey: 'keywords_count' }),
      numberColumn<Cluster>('volume', 'Volume', (c) => c.volume, { sortKey: 'volume' }),
      statusColumn<Cluster>({ sortKey: null }),
      createdColumn<Cluster>(),
    ],
    filters: [statusFilter(CLUSTER_STATUSES)],
    search: { label: 'Search clusters', placeholder: 'Search clusters' },
    defaultOrdering: '-volume',
    rowKey: (c) => c.id,
    rowLabel: (c) => c.name,
    rowActions: [
      {
        id: 'members',
        label: canWrite ? 'Edit keywords' : 'View keywords',
        icon: 'key',
        run: opts.onMembers,
        reload: false,
      },
      ...(canWrite
        ? [
            {
              id: 'ideas',
              label: 'Generate ideas',
              icon: 'sparkles' as const,
              run: (c: Cluster) => opts.onGenerateIdeas([c]),
              reload: false,
            },
            editAction<Cluster>(opts.onEdit, 'Rename or describe'),
            deleteAction<Cluster>({
              noun: CLUSTER_NOUN,
              path: (c) => read(api.api.v1.planner.clusters[':id'].$delete({ param: { id: param(c.id) } })),
              name: (c) => c.name,
              consequence: 'The cluster goes away; its keywords stay, without a cluster, and its ideas stay too.',
            }),
          ]
        : []),
    ],
    bulkActions: canWrite
      ? [
          {
            id: 'ideas',
            label: 'Generate ideas',
            icon: 'sparkles',
            acrossPages: true,
            run: async (rows, _choice, target) => {
              opts.onGenerateIdeas(rows, targetOf(rows, target));
            },
          },
          {
            id: 'archive',
            label: 'Archive',
            danger: true,
            confirm: (rows) => ({
              title: `Archive ${plural(rows.length, 'cluster')}?`,
              body: 'Archived clusters stay, with their keywords and ideas; filter by status to see them again.',
              confirmLabel: `Archive ${plural(rows.length, 'cluster')}`,
            }),
            run: async (rows) => {
              for (const c of rows) {
                await read(
                  api.api.v1.planner.clusters[':id'].$patch({
                    param: { id: param(c.id) },
                    json: { status: 'archived' },
                  }),
                );
              }
              return `${plural(rows.length, 'cluster')} archived.`;
            },
          },
          selectionDeleteAction<Cluster>({
            noun: CLUSTER_NOUN,
            path: (target) => read(api.api.v1.planner.clusters.bulk_delete.$post({ json: selectionBody(target) })),
            consequence: 'Their keywords stay, without a cluster.',
          }),
        ]
      : [],
    noun: CLUSTER_NOUN,
    empty: canWrite
      ? {
          title: 'No clusters yet',
          body: 'Select keywords on the Keywords page and choose Auto cluster, or create a cluster by hand.',
        }
      : { title: 'No clusters yet', body: 'Clusters your team creates appear here.' },
  };
}
