import { rewriteKeys, sitePrefixes } from './keys';
import type { MoveContext } from './rows';
import type { MoveState } from './state';

/** Every old site's R2 prefixes, in a fixed order: the objects phase walks them with a cursor. */
export const objectPrefixes = (accountId: number, state: MoveState) =>
  (state.old_site_ids ?? []).flatMap((siteId) => sitePrefixes(accountId, siteId));

/** A deployed version's article index names content ids (worker/publisher/deploy-files.ts ArticleIndex). */
function remapArticleIndex(ctx: MoveContext, text: string) {
  const index = JSON.parse(text) as Record<string, number[]>;
  for (const [path, ids] of Object.entries(index)) index[path] = ids.map((id) => ctx.maps.remap('content', id) ?? id);
  return JSON.stringify(index);
}

/**
 * Copies the next page of one prefix's objects to their new keys (a copy, not a rename: the old objects go
 * with the cleaning step, after the switch, so the account reads the old ones until then). Idempotent: a
 * copied object is overwritten with the same bytes. False when the prefix is done.
 */
export async function copyObjectsPage(ctx: MoveContext, prefix: string, state: MoveState) {
  await ctx.maps.load(['sites', 'content', 'images']);
  const page = await ctx.bucket.list({ prefix, cursor: state.object_cursor ?? undefined, limit: 50 });
  ctx.ops++;
  for (const object of page.objects) {
    const key = rewriteKeys(object.key, ctx.accountId, ctx.maps.remap);
    if (key === object.key) continue;
    const body = await ctx.bucket.get(object.key);
    if (!body) continue;
    const options = { httpMetadata: body.httpMetadata, customMetadata: body.customMetadata };
    if (key.endsWith('.articles.json')) await ctx.bucket.put(key, remapArticleIndex(ctx, await body.text()), options);
    else await ctx.bucket.put(key, body.body, options);
    ctx.ops += 2;
    state.objects_copied = (state.objects_copied ?? 0) + 1;
  }
  state.object_cursor = page.truncated ? page.cursor : null;
  return page.truncated;
}

/** Deletes the next page of a prefix's (old) objects; false when none are left. */
export async function deleteObjectsPage(ctx: MoveContext, prefix: string) {
  const page = await ctx.bucket.list({ prefix, limit: 500 });
  if (page.objects.length) await ctx.bucket.delete(page.objects.map((o) => o.key));
  ctx.ops += 2;
  return page.truncated;
}
