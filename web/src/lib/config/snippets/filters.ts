/** Shared filter definitions (the seed's filters.snippets): a select per closed set of values. */
import type { Role } from '$core/domain/enums';
import { humanize } from '$lib/format';
import type { Option, RangeFilter, SelectFilter } from '$lib/templates/types';

export function enumFilter(
  key: string,
  label: string,
  values: readonly string[],
  allLabel = `Any ${label.toLowerCase()}`,
): SelectFilter {
  return { key, label, allLabel, options: values.map((v) => ({ value: v, label: humanize(v) })) };
}

export function statusFilter(values: readonly string[]): SelectFilter {
  return enumFilter('status', 'Status', values);
}

export function roleFilter(roles: readonly Role[]): SelectFilter {
  return enumFilter('role', 'Role', roles);
}

/** A filter over ids (sites, users) with their display names. */
export function idFilter(key: string, label: string, options: Option[], allLabel: string): SelectFilter {
  return { key, label, allLabel, options };
}

/** A numeric range sent as `<key>_min` / `<key>_max` (the planner lists' convention). */
export function rangeFilter(key: string, label: string, bounds: { min?: number; max?: number } = {}): RangeFilter {
  return { kind: 'range', key, label, minKey: `${key}_min`, maxKey: `${key}_max`, ...bounds };
}
