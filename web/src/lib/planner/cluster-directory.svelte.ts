/**
 * The clusters of the current site (and sector), by id: keywords and ideas carry only a
 * cluster_id, and their tables show the name and filter by cluster. Refetched when clusters
 * change on the site (anyone's edit or an AI job), through the live channel.
 */
import { api, read } from '$lib/api/client';
import type { Cluster } from '$lib/api/planner-types';
import { realtime } from '$lib/realtime/site-channel.svelte';

/** Enough for the filter of any realistic sector; beyond it the filter lists the largest ones. */
const LIMIT = 200;

export class ClusterDirectory {
  clusters = $state.raw<Cluster[]>([]);
  /** More clusters exist than were loaded (the filter lists the first LIMIT by volume). */
  truncated = $state(false);
  byId = $derived(new Map(this.clusters.map((c) => [c.id, c])));
  #seq = 0;

  nameOf(id: number | null): string | null {
    return id === null ? null : (this.byId.get(id)?.name ?? null);
  }

  async load(siteId: number, sectorId: number | null) {
    const seq = ++this.#seq;
    try {
      const page = await read(
        api.api.v1.planner.clusters.$get({
          query: {
            site_id: siteId,
            sector_id: sectorId,
            page_size: LIMIT,
            ordering: '-volume',
          },
        }),
      );
      if (seq !== this.#seq) return;
      this.clusters = page.results;
      this.truncated = page.count > page.results.length;
    } catch {
      /* names fall back to "—"; the table itself reports load errors */
    }
  }

  /** Loads for this site/sector and keeps up with changes; returns the cleanup for $effect. */
  follow(siteId: number | null, sectorId: number | null): (() => void) | undefined {
    this.clusters = [];
    if (siteId === null) return;
    void this.load(siteId, sectorId);
    return realtime.onDataChanged(['clusters'], () => void this.load(siteId, sectorId));
  }
}
