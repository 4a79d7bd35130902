import type { Remap } from '../../../core/schema/tenant-tables';

/**
 * R2 keys embed tenant ids (core/media/image-keys.ts, durable-objects/draft-room/protocol.ts versionPrefix,
 * worker/site-builder/assets.ts, worker/publisher/deploy-files.ts):
 *   accounts/<account>/sites/<site>/images/<image>/…      generated images
 *   accounts/<account>/sites/<site>/content/<content>/…   named draft versions
 *   accounts/<account>/sites/<site>/assets/…              uploaded site files
 *   sites/<account>/<site>/…                              deployed site versions and blobs
 * The media route checks the site id in a key against the user's sites, and the publisher reads image ids
 * from `src` and `data-image-id`: after ids change, keys, the HTML that shows them and the objects move too.
 */
const NESTED = /accounts\/(\d+)\/sites\/(\d+)\/(images|content)\/(\d+)\//g;
const ASSETS = /accounts\/(\d+)\/sites\/(\d+)\/assets\//g;
const DEPLOYED = /^sites\/(\d+)\/(\d+)\//;
const IMAGE_ATTR = /data-image-id="(\d+)"/g;

/** `text` (a key, HTML or JSON) with every key of `accountId` and image attribute rewritten through `remap`. */
export function rewriteKeys(text: string, accountId: number, remap: Remap): string {
  const site = (s: string) => remap('sites', Number(s)) ?? s;
  return text
    .replace(NESTED, (whole, a: string, s: string, kind: string, id: string) => {
      if (Number(a) !== accountId) return whole;
      const newId = remap(kind === 'images' ? 'images' : 'content', Number(id)) ?? id;
      return `accounts/${a}/sites/${site(s)}/${kind}/${newId}/`;
    })
    .replace(ASSETS, (whole, a: string, s: string) =>
      Number(a) === accountId ? `accounts/${a}/sites/${site(s)}/assets/` : whole,
    )
    .replace(DEPLOYED, (whole, a: string, s: string) => (Number(a) === accountId ? `sites/${a}/${site(s)}/` : whole))
    .replace(IMAGE_ATTR, (_whole, id: string) => `data-image-id="${remap('images', Number(id)) ?? id}"`);
}

/** The R2 prefixes that hold an (old) site's objects. */
export const sitePrefixes = (accountId: number, siteId: number) => [
  `accounts/${accountId}/sites/${siteId}/`,
  `sites/${accountId}/${siteId}/`,
];
