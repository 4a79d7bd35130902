import { api, read } from '$lib/api/client';
import type { WriterImage } from '$lib/api/writer-types';
import { keepMediaCookieFresh } from '$lib/writer/media-cookie';

/**
 * One article's images, for the editor: the featured image shown above the draft, the images panel
 * ("Generate images") and the picker. Reloaded when images change (a job made them, someone
 * deleted one). Files are served under /media with the cookie the page keeps fresh.
 */
export class ArticleImages {
  list = $state<WriterImage[] | null>(null);
  error = $state<string | null>(null);
  readonly featured = $derived(
    this.list?.find((i) => i.image_type === 'featured' && i.status === 'generated' && i.url) ?? null,
  );
  /** Prompts written but no picture yet (new, or failed before): what "Generate" would make. */
  readonly waiting = $derived(this.list?.filter((i) => i.status === 'pending' || i.status === 'failed') ?? []);

  constructor(readonly contentId: number) {}

  async load() {
    try {
      const [, page] = await Promise.all([
        keepMediaCookieFresh().catch(() => undefined),
        read(api.api.v1.writer.images.$get({ query: { content_id: this.contentId, page_size: 50 } })),
      ]);
      this.list = page.results;
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}
