/**
 * The articles of the current site (and sector), by id: image rows carry only a content_id, and
 * the page names the article, filters by it and picks one to extract image prompts from.
 * Refetched when content changes on the site (a generation job, a teammate's edit).
 */
import { api, read } from '$lib/api/client';
import type { ContentSummary } from '$lib/api/writer-types';
import { realtime } from '$lib/realtime/site-channel.svelte';

/** The 100 most recently updated articles: enough for a picker; older ones still show by id. */
const LIMIT = 100;

export class ArticleDirectory {
  articles = $state.raw<ContentSummary[]>([]);
  loaded = $state(false);
  byId = $derived(new Map(this.articles.map((a) => [a.id, a])));
  #seq = 0;

  titleOf(id: number | null): string | null {
    return id === null ? null : (this.byId.get(id)?.title ?? null);
  }

  async load(siteId: number, sectorId: number | null) {
    const seq = ++this.#seq;
    try {
      const page = await read(
        api.api.v1.writer.content.$get({
          query: {
            site_id: siteId,
            sector_id: sectorId,
            page_size: LIMIT,
            ordering: '-updated_at',
          },
        }),
      );
      if (seq !== this.#seq) return;
      this.articles = page.results;
    } catch {
      /* titles fall back to the article's id; the table reports its own load errors */
    } finally {
      if (seq === this.#seq) this.loaded = true;
    }
  }

  /** Loads for this site/sector and keeps up with changes; returns the cleanup for $effect. */
  follow(siteId: number | null, sectorId: number | null): (() => void) | undefined {
    this.articles = [];
    this.loaded = false;
    if (siteId === null) return;
    void this.load(siteId, sectorId);
    return realtime.onDataChanged(['content'], () => void this.load(siteId, sectorId));
  }
}
