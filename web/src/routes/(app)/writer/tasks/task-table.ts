/**
 * The writer tasks table (page-local config): the writing queue, from ideas or added by hand.
 * Everything is server-side (filters, search, ordering, paging); the page only describes it.
 */
import { TASK_STATUSES } from '$core/domain/enums';
import { api, param, read, type ListSource, type Query } from '$lib/api/client';
import type { Task } from '$lib/api/writer-types';
import type { BadgeTone } from '$lib/components/Badge.svelte';
import { deleteAction, editAction } from '$lib/config/snippets/actions';
import { dateColumn, numberColumn } from '$lib/config/snippets/columns';
import { idFilter, statusFilter } from '$lib/config/snippets/filters';
import { humanize, plural } from '$lib/format';
import type { ClusterDirectory } from '$lib/planner/cluster-directory.svelte';
import { selectionBody, selectionDeleteAction, targetOf } from '$lib/templates/bulk';
import type { TableConfig } from '$lib/templates/types';
import { clusterKeywordsHref } from '../../planner/keywords/keyword-table';
import { CREDITS_PER_ARTICLE, startContentGeneration } from './generate-content';

export const TASK_NOUN = { one: 'task', many: 'tasks' };

/** Waiting, being written, written, or the last attempt failed (worker/writer/ai/generate-content.ts). */
const STATUS_TONES: Record<Task['status'], BadgeTone> = {
  queued: 'neutral',
  in_progress: 'info',
  completed: 'success',
  failed: 'danger',
};

export function taskTable(opts: {
  endpoint: ListSource<Task> | null;
  unavailable: { title: string; body: string };
  query: Query;
  clusters: ClusterDirectory;
  canWrite: boolean;
  onEdit: (task: Task) => void;
  onOpenArticle: (task: Task) => void;
}): TableConfig<Task> {
  const { clusters, canWrite } = opts;
  return {
    title: 'Tasks',
    description: 'The writing queue: each task becomes one article, written by the AI into a draft you can edit.',
    endpoint: opts.endpoint,
    unavailable: opts.unavailable,
    query: opts.query,
    columns: [
      {
        key: 'title',
        label: 'Title',
        sortKey: 'title',
        primary: true,
        // A written task's title opens its article.
        cell: (t) => ({
          kind: 'link',
          text: t.title,
          href: t.content_id !== null ? `/writer/content/${t.content_id}` : null,
          strong: true,
          sub: t.target_keywords.length
            ? t.target_keywords.slice(0, 3).join(' · ') + (t.target_keywords.length > 3 ? ' …' : '')
            : null,
        }),
      },
      {
        key: 'cluster',
        label: 'Cluster',
        cell: (t) => ({
          kind: 'link',
          text: clusters.nameOf(t.cluster_id) ?? (t.cluster_id ? '…' : '—'),
          href: t.cluster_id ? clusterKeywordsHref(t.cluster_id) : null,
        }),
      },
      {
        key: 'status',
        label: 'Status',
        sortKey: 'status',
        cell: (t) => ({ kind: 'badge', text: humanize(t.status), tone: STATUS_TONES[t.status] ?? 'neutral' }),
      },
      numberColumn<Task>('word_count_target', 'Target words', (t) => t.word_count_target, {
        sortKey: 'word_count_target',
      }),
      // The API orders tasks by created_at but not updated_at: this column shows without sorting.
      dateColumn<Task>('updated_at', 'Updated', (t) => t.updated_at),
    ],
    filters: [
      statusFilter(TASK_STATUSES),
      idFilter(
        'cluster_id',
        'Cluster',
        clusters.clusters.map((c) => ({ value: c.id, label: c.name })),
        'Any cluster',
      ),
    ],
    search: { label: 'Search tasks', placeholder: 'Search task titles' },
    defaultOrdering: '-created_at',
    rowKey: (t) => t.id,
    rowLabel: (t) => t.title,
    rowActions: [
      {
        id: 'open',
        label: 'Open article',
        icon: 'document',
        visible: (t) => t.content_id !== null,
        run: opts.onOpenArticle,
        reload: false,
      },
      ...(canWrite
        ? [
            editAction<Task>(opts.onEdit),
            deleteAction<Task>({
              noun: TASK_NOUN,
              path: (t) => read(api.api.v1.writer.tasks[':id'].$delete({ param: { id: param(t.id) } })),
              name: (t) => t.title,
              consequence: 'The task leaves the writing queue. An article already written for it stays in Content.',
            }),
          ]
        : []),
    ],
    bulkActions: canWrite
      ? [
          {
            id: 'generate_content',
            label: 'Generate content',
            icon: 'sparkles',
            acrossPages: true,
            confirm: (rows, _choice, target) => ({
              title: `Generate ${plural(targetOf(rows, target).count, 'article')}?`,
              body:
                `The AI writes one article per task, following its idea's outline, straight into a draft you can ` +
                `watch and edit. This holds ${plural(targetOf(rows, target).count * CREDITS_PER_ARTICLE, 'credit')} ` +
                `(${CREDITS_PER_ARTICLE} per article); only articles that are written are charged.`,
              confirmLabel: 'Generate content',
            }),
            run: (rows, _choice, target) => startContentGeneration(targetOf(rows, target)),
          },
          selectionDeleteAction<Task>({
            noun: TASK_NOUN,
            path: (target) => read(api.api.v1.writer.tasks.bulk_delete.$post({ json: selectionBody(target) })),
            consequence: 'The tasks leave the writing queue. Articles already written stay in Content.',
          }),
        ]
      : [],
    noun: TASK_NOUN,
    empty: canWrite
      ? {
          title: 'No tasks yet',
          body: 'On the Ideas page, select ideas and choose Create tasks, or add a task by hand.',
        }
      : { title: 'No tasks yet', body: 'Tasks your team creates appear here.' },
  };
}
