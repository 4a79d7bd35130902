/** Shared filter definitions (the seed's filters.snippets): a select per closed set of values. */
import type { Role } from '$core/domain/enums';
import { humanize } from '$lib/format';
import type { Filter, Option } from '$lib/templates/types';

export function enumFilter(key: string, label: string, values: readonly string[], allLabel = `Any ${label.toLowerCase()}`): Filter {
  return { key, label, allLabel, options: values.map((v) => ({ value: v, label: humanize(v) })) };
}

export function statusFilter(values: readonly string[]): Filter {
  return enumFilter('status', 'Status', values);
}

export function roleFilter(roles: readonly Role[]): Filter {
  return enumFilter('role', 'Role', roles);
}

/** A filter over ids (sites, users) with their display names. */
export function idFilter(key: string, label: string, options: Option[], allLabel: string): Filter {
  return { key, label, allLabel, options };
}
