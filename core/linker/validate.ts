/**
 * Link validation on projection: every internal link of a draft (relative, or on the site's origin)
 * against the site inventory. Broken when no page has that address ('missing') or none of the pages
 * there is published or scheduled ('unpublished'). External links are not ours to judge here.
 */
import type { DraftBlock } from '../draft/schema';
import { readDoc } from '../optimizer/document';
import { isInternal } from '../optimizer/links';
import type { Where } from '../optimizer/types';
import type { BrokenLink, InventoryPage, LinkValidation } from './types';
import { pageKey, urlKey } from './urls';

const live = (page: InventoryPage) => page.status === 'published' || page.status === 'scheduled';

const addressBooks = new WeakMap<readonly InventoryPage[], Map<string, Map<string, boolean>>>();
/** page key → whether a live page is there; memoised per inventory array and origin. */
function addressBook(inventory: readonly InventoryPage[], siteOrigin: string | null): Map<string, boolean> {
  let byOrigin = addressBooks.get(inventory);
  if (!byOrigin) addressBooks.set(inventory, (byOrigin = new Map()));
  let book = byOrigin.get(siteOrigin ?? '');
  if (!book) {
    book = new Map();
    for (const page of inventory) {
      const key = pageKey(page.url, siteOrigin);
      book.set(key, (book.get(key) ?? false) || live(page));
    }
    byOrigin.set(siteOrigin ?? '', book);
  }
  return book;
}

export function validateLinks(
  blocks: readonly DraftBlock[],
  inventory: readonly InventoryPage[],
  siteOrigin: string | null,
): LinkValidation {
  const book = addressBook(inventory, siteOrigin);
  const places = new Map<string, Where[]>();
  // Link marks need no language: 'other' skips stemming work the scorer may not have cached.
  for (const b of readDoc(blocks, 'other').blocks)
    for (const l of b.links) {
      if (!isInternal(l.href, siteOrigin)) continue;
      const list = places.get(l.href) ?? [];
      list.push({ block: b.path, from: l.from, to: l.to });
      places.set(l.href, list);
    }
  const internal = [...places].map(([href, where]) => ({ href, places: where }));
  const broken: BrokenLink[] = [];
  for (const { href, places: where } of internal) {
    const status = book.get(urlKey(href, siteOrigin));
    if (status === undefined) broken.push({ href, reason: 'missing', places: where });
    else if (!status) broken.push({ href, reason: 'unpublished', places: where });
  }
  return { internal, broken, brokenHrefs: broken.map((b) => b.href) };
}
