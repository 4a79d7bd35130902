/**
 * The content table (page-local config), shared by Content (every status) and Review (the
 * queue: status=review fixed). Rows open the live editor.
 */
import { CONTENT_STATUSES } from '$core/domain/enums';
import { api, read, type ListSource, type Query } from '$lib/api/client';
import type { ContentSummary } from '$lib/api/writer-types';
import { badgeColumn, dateColumn, numberColumn, statusColumn } from '$lib/config/snippets/columns';
import { enumFilter, statusFilter } from '$lib/config/snippets/filters';
import { plural } from '$lib/format';
import { selectionBody, selectionDeleteAction, targetOf } from '$lib/templates/bulk';
import type { BulkAction, TableConfig } from '$lib/templates/types';

export const CONTENT_NOUN = { one: 'article', many: 'articles' };
const STATUSES = CONTENT_STATUSES;
const SOURCES = ['ai', 'manual'] as const;

export function contentTable(opts: {
  endpoint: ListSource<ContentSummary> | null;
  query: Query;
  /** The review queue fixes status=review, so it has no status filter. */
  queue: boolean;
  /** Viewers get no bulk actions (the API refuses them anyway). */
  canWrite: boolean;
  onOpen: (row: ContentSummary) => void;
}): TableConfig<ContentSummary> {
  return {
    title: opts.queue ? 'Review' : 'Content',
    description: opts.queue
      ? 'Drafts waiting for review. Open one to edit it together, live, and send it back to draft if it needs ' +
        'more work.'
      : 'Generated and hand-written articles. Open one to edit the draft, its SEO fields and its versions.',
    endpoint: opts.endpoint,
    unavailable: { title: 'No site yet', body: 'Content belongs to a sector of a site.' },
    query: opts.queue ? { ...opts.query, status: 'review' } : opts.query,
    columns: [
      {
        key: 'title',
        label: 'Title',
        sortKey: 'title',
        primary: true,
        // The title opens the article's editor (a real link: new tab, copy address).
        cell: (c) => ({
          kind: 'link',
          text: c.title,
          href: `/writer/content/${c.id}`,
          sub: c.primary_keyword || null,
          strong: true,
        }),
      },
      statusColumn<ContentSummary>(),
      numberColumn<ContentSummary>('word_count', 'Words', (c) => c.word_count, { sortKey: 'word_count' }),
      dateColumn<ContentSummary>('updated_at', 'Updated', (c) => c.updated_at, 'updated_at'),
      badgeColumn<ContentSummary>('source', 'Source', (c) => c.source, { text: (v) => (v === 'ai' ? 'AI' : 'Manual') }),
    ],
    filters: [...(opts.queue ? [] : [statusFilter(STATUSES)]), enumFilter('source', 'Source', SOURCES)],
    search: { label: 'Search content', placeholder: 'Search titles' },
    defaultOrdering: '-updated_at',
    rowKey: (c) => c.id,
    rowLabel: (c) => c.title,
    rowActions: [{ id: 'open', label: 'Open', icon: 'pencil', run: opts.onOpen, reload: false }],
    bulkActions: opts.canWrite ? bulkActions(opts.queue) : [],
    noun: CONTENT_NOUN,
    empty: opts.queue
      ? { title: 'Nothing to review', body: 'Drafts moved to review appear here.' }
      : { title: 'No content yet', body: 'Generate content from writer tasks, or create a draft by hand.' },
  };
}

type BulkStatusJson = Parameters<typeof api.api.v1.writer.content.bulk_update_status.$post>[0]['json'];

/** A bulk move between draft and review; the API says how many moved and which scheduled ones stayed. */
function moveAction(status: 'draft' | 'review', label: string): BulkAction<ContentSummary> {
  return {
    id: `to_${status}`,
    label,
    icon: status === 'review' ? 'review' : 'refresh',
    acrossPages: true,
    run: async (rows, _choice, target) => {
      const json = selectionBody<BulkStatusJson>(targetOf(rows, target), { status });
      const res = await read(api.api.v1.writer.content.bulk_update_status.$post({ json }));
      return res.message ?? `Moved ${plural(res.data.updated, 'article')} to ${status}.`;
    },
  };
}

/**
 * Content sends drafts to review (and back); the Review queue sends them back to draft. Delete is
 * kept apart (last, red, confirmed with the count) from the moves.
 */
function bulkActions(queue: boolean): BulkAction<ContentSummary>[] {
  return [
    ...(queue ? [] : [moveAction('review', 'Move to review')]),
    moveAction('draft', 'Back to draft'),
    selectionDeleteAction<ContentSummary>({
      noun: CONTENT_NOUN,
      path: (target) => read(api.api.v1.writer.content.bulk_delete.$post({ json: selectionBody(target) })),
      consequence:
        'The articles go with their images, scores and link suggestions; their tasks return to the queue. ' +
        'Posts already on WordPress stay there.',
    }),
  ];
}
