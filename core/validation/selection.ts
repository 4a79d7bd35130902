import { z } from 'zod';
import { id } from './common';

/** The most rows one bulk request may act on, by ids or by a filter (the ids' cap since the seed). */
export const MAX_SELECTION = 10_000;

function exactlyOne(v: { ids?: unknown; filter?: unknown }, ctx: z.RefinementCtx) {
  if ((v.ids === undefined) === (v.filter === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['ids'], message: 'Send either ids or a filter (not both).' });
  }
}

/** A list query: its paging and ordering are dropped from a filter (they don't change the set). */
type ListShape = { page: z.ZodType; page_size: z.ZodType; ordering: z.ZodType };

/**
 * What a bulk action acts on (issue 14 item 9): the rows picked by hand (`ids`), or every row the
 * list shows for a query (`filter`: the list's own query, resolved on the server with the list's
 * own WHERE). `expected_count` is the count the user saw: another count now means the set moved
 * under them (409 selection_changed) and the UI asks again instead of acting on rows nobody saw.
 * `extra` holds the action's own fields (a status, ideas per cluster). One object with a refine,
 * not a union: a bad `ids` still reports under `ids`, as it did before filters existed.
 */
export function selectionOf<L extends z.ZodObject<ListShape>, E extends z.ZodRawShape = Record<never, never>>(
  listQuery: L,
  extra: E = {} as E,
  maxIds = MAX_SELECTION,
) {
  const filter = listQuery.omit({ page: true, page_size: true, ordering: true } as never) as unknown as z.ZodType<
    Omit<z.output<L>, 'page' | 'page_size' | 'ordering'>,
    Omit<z.input<L>, 'page' | 'page_size' | 'ordering'>
  >;
  return z
    .object({
      ids: z
        .array(id)
        .min(1, 'Select at least one.')
        .max(maxIds, `At most ${maxIds.toLocaleString('en-US')} at once.`)
        .optional(),
      filter: filter.optional(),
      expected_count: z.number().int().min(0).optional(),
      ...extra,
    })
    .superRefine(exactlyOne);
}

/** A parsed selection: ids, or a list filter with the count the user saw. */
export interface Selection<F> {
  ids?: number[] | undefined;
  filter?: F | undefined;
  expected_count?: number | undefined;
}

/**
 * A selection for routes shared by every resource (bulk delete): the filter is checked against the
 * resource's own list query on the server (scopedResource's `listQuery`), so one route type serves all.
 */
export const anySelectionBody = z
  .object({
    ids: z
      .array(id)
      .min(1, 'Select at least one.')
      .max(MAX_SELECTION, `At most ${MAX_SELECTION.toLocaleString('en-US')} at once.`)
      .optional(),
    filter: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    expected_count: z.number().int().min(0).optional(),
  })
  .superRefine(exactlyOne);
