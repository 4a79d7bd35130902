/**
 * The Optimizer's table (page-local config): every article of the site ranked by its content
 * score, with the check that costs it most. Rows open the live editor, where the score panel
 * shows every check in place.
 */
import type { ListSource, Query } from '$lib/api/client';
import type { ScoreRow } from '$lib/api/optimizer-types';
import { dateColumn, nameColumn, numberColumn, statusColumn } from '$lib/config/snippets/columns';
import { enumFilter, statusFilter } from '$lib/config/snippets/filters';
import type { BulkAction, Cell, TableConfig } from '$lib/templates/types';

export const ARTICLE_NOUN = { one: 'article', many: 'articles' };

/** Surfer's bands, named for people: under 33, 33–66, over 66 (core/optimizer bandOf). */
export const BAND_LABEL = { low: 'Low', medium: 'Medium', high: 'High' } as const;
const BAND_TONE = { low: 'danger', medium: 'warning', high: 'success' } as const;

export function scoreCell(row: Pick<ScoreRow, 'score' | 'band'>): Cell {
  if (row.score === null || row.band === null) return { kind: 'badge', text: 'Not scored', tone: 'neutral' };
  return { kind: 'badge', text: `${row.score} · ${BAND_LABEL[row.band]}`, tone: BAND_TONE[row.band] };
}

export function scoreTable(opts: {
  endpoint: ListSource<ScoreRow> | null;
  query: Query;
  onOpen: (row: ScoreRow) => void;
  bulkActions: BulkAction<ScoreRow>[];
}): TableConfig<ScoreRow> {
  return {
    title: 'Optimizer',
    description:
      'Every article ranked by its content score (0–100): outline coverage, cluster keywords, keyword placement, ' +
      'structure, readability and links, scored the same way in the editor as you type.',
    endpoint: opts.endpoint,
    unavailable: { title: 'No site yet', body: 'Scores belong to the articles of a site.' },
    query: opts.query,
    columns: [
      nameColumn<ScoreRow>({
        label: 'Article',
        name: (r) => r.title,
        sub: (r) => r.primary_keyword || null,
        sortKey: 'title',
      }),
      { key: 'score', label: 'Score', sortKey: 'score', cell: scoreCell },
      {
        key: 'issue',
        label: 'Costs most',
        cell: (r) => ({
          kind: 'text',
          text: r.issues?.[0]?.message ?? (r.score === null ? 'Open or score it to see' : 'Nothing to fix'),
          sub: r.issues && r.issues.length > 1 ? `and ${r.issues.length - 1} more` : null,
        }),
      },
      statusColumn<ScoreRow>({ sortKey: null }),
      numberColumn<ScoreRow>('word_count', 'Words', (r) => r.word_count, { sortKey: 'words' }),
      dateColumn<ScoreRow>('scored_at', 'Scored', (r) => r.scored_at, 'scored_at'),
    ],
    filters: [
      enumFilter('band', 'Band', ['low', 'medium', 'high', 'unscored']),
      statusFilter(['draft', 'review', 'published']),
    ],
    search: { label: 'Search articles', placeholder: 'Search titles' },
    defaultOrdering: 'score',
    rowKey: (r) => r.content_id,
    rowLabel: (r) => r.title,
    rowActions: [{ id: 'open', label: 'Open', icon: 'pencil', run: opts.onOpen, reload: false }],
    bulkActions: opts.bulkActions,
    noun: ARTICLE_NOUN,
    empty: { title: 'No articles yet', body: 'Articles written in the Writer are scored here as they are edited.' },
  };
}
