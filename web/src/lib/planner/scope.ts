/**
 * Where planner pages read and write: the header's site, and its sector or all of them. Lists
 * filter by both; new rows need one concrete, active sector.
 */
import type { Sector } from '$lib/api/types';
import type { Option } from '$lib/templates/types';
import { workspace } from '$lib/workspace.svelte';

export function plannerQuery() {
  return { site_id: workspace.siteId ?? undefined, sector_id: workspace.sectorId ?? undefined };
}

/** "in Green Thumb · Gardening" / "in Green Thumb (all sectors)". */
export function scopeText(): string {
  const site = workspace.site?.name ?? 'this site';
  return workspace.sector ? `${site} · ${workspace.sector.name}` : `${site} (all sectors)`;
}

/** What a list page shows when the header has no site: how to get one depends on the role. */
export function noSiteNotice(canManageSites: boolean, what: string) {
  return canManageSites
    ? { title: 'No site yet', body: `${what} belong to a sector of a site. Add a site and its sectors first.` }
    : { title: 'No site shared with you', body: 'An owner or admin can give you access to a site.' };
}

export function sectorOptions(sectors: Sector[] = workspace.activeSectors): Option[] {
  return sectors.map((s) => ({ value: s.id, label: s.name }));
}

/** The sector a new row goes into by default: the chosen one, else the only one. */
export function defaultSectorId(): number | null {
  return workspace.sectorId ?? (workspace.activeSectors.length === 1 ? workspace.activeSectors[0]!.id : null);
}
