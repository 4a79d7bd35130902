/**
 * Shared column definitions (the seed's columns.snippets): the same status badge, name cell or
 * date everywhere. Pages pick and tweak them in their page-local table config.
 */
import type { BadgeTone } from '$lib/components/Badge.svelte';
import { formatNumber, humanize } from '$lib/format';
import type { Column } from '$lib/templates/types';

/** One colour per status or role across the product. */
export const TONES: Record<string, BadgeTone> = {
  active: 'success',
  inactive: 'neutral',
  suspended: 'danger',
  invited: 'warning',
  disabled: 'danger',
  owner: 'brand',
  admin: 'info',
  editor: 'success',
  viewer: 'neutral',
  developer: 'brand',
  // planner
  pending: 'warning',
  archived: 'neutral',
  new: 'info',
  scheduled: 'brand',
  published: 'success',
  informational: 'info',
  navigational: 'neutral',
  commercial: 'brand',
  transactional: 'success',
  // billing
  grant: 'success',
  purchase: 'success',
  subscription: 'success',
  reservation: 'warning',
  capture: 'brand',
  release: 'info',
  refund: 'info',
  adjustment: 'neutral',
};

/** The row's name in bold, with an optional second line (domain, email, description). */
export function nameColumn<Row>(opts: {
  label?: string;
  name: (row: Row) => string;
  sub?: (row: Row) => string | null | undefined;
  sortKey?: string | null;
}): Column<Row> {
  return {
    key: 'name',
    label: opts.label ?? 'Name',
    sortKey: opts.sortKey === null ? undefined : (opts.sortKey ?? 'name'),
    primary: true,
    cell: (row) => ({ kind: 'text', text: opts.name(row), sub: opts.sub?.(row) ?? null, strong: true }),
  };
}

export function statusColumn<Row extends { status: string }>(
  opts: { label?: string; sortKey?: string | null } = {},
): Column<Row> {
  return {
    key: 'status',
    label: opts.label ?? 'Status',
    sortKey: opts.sortKey === null ? undefined : (opts.sortKey ?? 'status'),
    cell: (row) => ({ kind: 'badge', text: humanize(row.status), tone: TONES[row.status] ?? 'neutral' }),
  };
}

export function roleColumn<Row extends { role: string }>(opts: { sortKey?: string | null } = {}): Column<Row> {
  return {
    key: 'role',
    label: 'Role',
    sortKey: opts.sortKey === null ? undefined : (opts.sortKey ?? 'role'),
    cell: (row) => ({ kind: 'badge', text: humanize(row.role), tone: TONES[row.role] ?? 'neutral' }),
  };
}

export function dateColumn<Row>(
  key: string,
  label: string,
  value: (row: Row) => string | null,
  sortKey?: string,
): Column<Row> {
  return { key, label, sortKey, cell: (row) => ({ kind: 'date', value: value(row) }) };
}

export function createdColumn<Row extends { created_at: string }>(label = 'Created'): Column<Row> {
  return dateColumn<Row>('created_at', label, (row) => row.created_at, 'created_at');
}

export function textColumn<Row>(
  key: string,
  label: string,
  text: (row: Row) => string,
  opts: { sortKey?: string; mono?: boolean } = {},
): Column<Row> {
  return { key, label, sortKey: opts.sortKey, cell: (row) => ({ kind: 'text', text: text(row), mono: opts.mono }) };
}

/** A list of names as badges (e.g. the sites a user can see). */
export function badgesColumn<Row>(
  key: string,
  label: string,
  items: (row: Row) => string[],
  empty: string,
): Column<Row> {
  return {
    key,
    label,
    cell: (row) => ({ kind: 'badges', items: items(row).map((text) => ({ text, tone: 'neutral' })), empty }),
  };
}

/** A right-aligned number with thousands separators (volume, counts, credits). */
export function numberColumn<Row>(
  key: string,
  label: string,
  value: (row: Row) => number | null,
  opts: { sortKey?: string; sub?: (row: Row) => string | null } = {},
): Column<Row> {
  return {
    key,
    label,
    sortKey: opts.sortKey,
    align: 'right',
    cell: (row) => ({ kind: 'text', text: formatNumber(value(row)), sub: opts.sub?.(row) ?? null }),
  };
}

/** A closed-set value (intent, type, operation) as a badge in the product's colour for it. */
export function badgeColumn<Row>(
  key: string,
  label: string,
  value: (row: Row) => string,
  opts: { sortKey?: string; text?: (value: string) => string } = {},
): Column<Row> {
  return {
    key,
    label,
    sortKey: opts.sortKey,
    cell: (row) => {
      const v = value(row);
      return { kind: 'badge', text: opts.text ? opts.text(v) : humanize(v), tone: TONES[v] ?? 'neutral' };
    },
  };
}
