/**
 * Shared row and bulk actions (the seed's actions.snippets): edit, delete with confirmation,
 * and bulk versions that call the per-row endpoint for each selected row (the API has no bulk
 * routes for these yet) and report partial failures instead of hiding them.
 */
import { messageOf } from '$lib/api/errors';
import { plural } from '$lib/format';
import type { BulkAction, RowAction } from '$lib/templates/types';
import { toasts } from '$lib/toasts.svelte';

interface Noun {
  one: string;
  many: string;
}

export function editAction<Row>(open: (row: Row) => void, label = 'Edit'): RowAction<Row> {
  return { id: 'edit', label, icon: 'pencil', run: (row) => open(row), reload: false };
}

export function deleteAction<Row>(opts: {
  noun: Noun;
  /** The row's DELETE, a typed call: `(row) => read(api…[':id'].$delete(…))`. */
  path: (row: Row) => Promise<{ message?: string }>;
  name: (row: Row) => string;
  consequence?: string;
  visible?: (row: Row) => boolean;
  label?: string;
  /** Runs after a successful delete (e.g. reload /me when a site went away). */
  after?: () => unknown;
}): RowAction<Row> {
  const label = opts.label ?? 'Delete';
  return {
    id: 'delete',
    label,
    icon: 'trash',
    danger: true,
    visible: opts.visible,
    confirm: (row) => ({
      title: `${label} ${opts.noun.one} “${opts.name(row)}”?`,
      body: opts.consequence ?? `This ${opts.noun.one} will be removed. This cannot be undone.`,
      confirmLabel: `${label} ${opts.noun.one}`,
      danger: true,
    }),
    run: async (row) => {
      const { message } = await opts.path(row);
      await opts.after?.();
      return message;
    },
  };
}

/** Runs `each` for every row, four at a time; throws only if every row failed. */
export async function forEachRow<Row>(
  rows: Row[],
  each: (row: Row) => Promise<unknown>,
  done: (n: number) => string,
): Promise<string> {
  const failures: string[] = [];
  let succeeded = 0;
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
      try {
        await each(row);
        succeeded += 1;
      } catch (err) {
        failures.push(messageOf(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, rows.length) }, worker));
  const reasons = [...new Set(failures)].join(' ');
  if (!succeeded && failures.length) throw new Error(reasons);
  if (failures.length) toasts.show(`${failures.length} of ${rows.length} failed: ${reasons}`, 'error');
  return done(succeeded);
}

/** The confirmation every bulk delete asks for, naming how many of what go away. */
function deleteConfirmation(noun: Noun, consequence?: string) {
  return (rows: unknown[]) => ({
    title: `Delete ${plural(rows.length, noun.one, noun.many)}?`,
    body: consequence ?? 'The selected items will be removed. This cannot be undone.',
    confirmLabel: `Delete ${plural(rows.length, noun.one, noun.many)}`,
    danger: true,
  });
}

export function bulkDeleteAction<Row>(opts: {
  noun: Noun;
  /** One row's DELETE, a typed call. */
  path: (row: Row) => Promise<unknown>;
  consequence?: string;
  after?: () => unknown;
}): BulkAction<Row> {
  return {
    id: 'delete',
    label: 'Delete',
    icon: 'trash',
    danger: true,
    confirm: deleteConfirmation(opts.noun, opts.consequence),
    run: async (rows) => {
      try {
        return await forEachRow(
          rows,
          (row) => opts.path(row),
          (n) => `Deleted ${plural(n, opts.noun.one, opts.noun.many)}.`,
        );
      } finally {
        await opts.after?.();
      }
    },
  };
}

/** PATCH the same change into every selected row (activate, deactivate…). */
export function bulkPatchAction<Row>(opts: {
  id: string;
  label: string;
  noun: Noun;
  /** The row's PATCH of the change, a typed call: `(row) => read(api…[':id'].$patch(…))`. */
  path: (row: Row) => Promise<unknown>;
  done: string;
  after?: () => unknown;
}): BulkAction<Row> {
  return {
    id: opts.id,
    label: opts.label,
    run: async (rows) => {
      try {
        return await forEachRow(
          rows,
          (row) => opts.path(row),
          (n) => `${plural(n, opts.noun.one, opts.noun.many)} ${opts.done}.`,
        );
      } finally {
        await opts.after?.();
      }
    },
  };
}

/**
 * Delete the selection through the API's own bulk route (one request, one batch on the server)
 * where there is one: keywords and ideas.
 */
export function bulkRouteDeleteAction<Row extends { id: number }>(opts: {
  noun: Noun;
  /** The bulk_delete route, a typed call taking the ids. */
  path: (ids: number[]) => Promise<{ data: { deleted: number } }>;
  consequence?: string;
}): BulkAction<Row> {
  return {
    id: 'delete',
    label: 'Delete',
    icon: 'trash',
    danger: true,
    confirm: deleteConfirmation(opts.noun, opts.consequence),
    run: async (rows) => {
      const res = await opts.path(rows.map((r) => r.id));
      return `Deleted ${plural(res.data.deleted, opts.noun.one, opts.noun.many)}.`;
    },
  };
}
