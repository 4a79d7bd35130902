/**
 * Bulk actions that reach beyond a page (issue 14 item 9): they send the table's BulkTarget as the
 * API's selection (`{ ids }` or `{ filter, expected_count }`, core/validation/selection.ts), and
 * destructive ones confirm naming how many rows go ("Delete 1,234 keywords?").
 */
import { plural } from '$lib/format';
import type { BulkAction, BulkTarget, ConfirmSpec } from './types';

interface Noun {
  one: string;
  many: string;
}

/** The target of rows checked by hand (what the table passes when not "all matching"). */
export function targetOf(rows: { id: number }[], target?: BulkTarget): BulkTarget {
  return target ?? { count: rows.length, all: false, selection: { ids: rows.map((r) => r.id) } };
}

/**
 * The request body of a bulk route: the selection plus the action's own fields. Typed by the
 * route it is passed to (the filter holds the same fields as the list query the table sends).
 */
export function selectionBody<B>(target: BulkTarget, extra: object = {}): B {
  return { ...target.selection, ...extra } as B;
}

/** "Delete 1,234 keywords?" — the count is the whole selection, on every page when all match. */
export function deleteConfirm(noun: Noun, target: BulkTarget, consequence?: string): ConfirmSpec {
  const what = plural(target.count, noun.one, noun.many);
  return {
    title: `Delete ${what}?`,
    body: `${consequence ?? `The selected ${noun.many} will be removed.`} This cannot be undone.`,
    confirmLabel: `Delete ${what}`,
    danger: true,
  };
}

/** Delete through the resource's bulk_delete route: the checked rows, or all that match. */
export function selectionDeleteAction<Row extends { id: number }>(opts: {
  noun: Noun;
  /** The typed bulk_delete call, given the request body. */
  path: (target: BulkTarget) => Promise<{ data: { deleted: number } }>;
  consequence?: string;
}): BulkAction<Row> {
  return {
    id: 'delete',
    label: 'Delete',
    icon: 'trash',
    danger: true,
    acrossPages: true,
    confirm: (rows, _choice, target) => deleteConfirm(opts.noun, targetOf(rows, target), opts.consequence),
    run: async (rows, _choice, target) => {
      const res = await opts.path(targetOf(rows, target));
      return `Deleted ${plural(res.data.deleted, opts.noun.one, opts.noun.many)}.`;
    },
  };
}
