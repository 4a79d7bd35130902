/**
 * The Site Builder and Publisher calls of the web app, in one place: the typed client over the
 * worker's routes (the access token, the one shared refresh, the envelope read by `read`/`data`).
 */
import type { ClusterRole, SiteAsset, SiteBuilderMetadata } from '$lib/api/site-builder-types';
import { api, data, freshAccessToken, http, param, read } from '$lib/api/client';
import type {
  BlueprintCreateBody,
  BlueprintUpdateBody,
  PageCreateBody,
  PageUpdateBody,
} from '$core/validation/site-builder';
import type { PageOrderBody, TaxonomyBody } from '$core/validation/site-builder';

const sb = api.api.v1['site-builder'];
const bp = sb.blueprints[':id'];
const pub = api.api.v1.publisher;
const id = (value: number) => ({ id: param(value) });

export const siteBuilder = {
  metadata: async () => (await data(sb.metadata.$get())) as unknown as SiteBuilderMetadata,

  blueprints: (siteId: number) => read(sb.blueprints.$get({ query: { site_id: siteId, page_size: 100 } })),
  blueprint: (blueprintId: number) => data(bp.$get({ param: id(blueprintId) })),
  createBlueprint: (json: Partial<BlueprintCreateBody> & Pick<BlueprintCreateBody, 'site_id' | 'name'>) =>
    data(sb.blueprints.$post({ json })),
  updateBlueprint: (blueprintId: number, json: BlueprintUpdateBody) =>
    data(bp.$patch({ param: id(blueprintId), json })),

  clusters: (blueprintId: number) => data(bp.clusters.$get({ param: id(blueprintId) })),
  attachCluster: (blueprintId: number, clusterId: number, role: ClusterRole) =>
    data(bp.clusters.$post({ param: id(blueprintId), json: { cluster_id: clusterId, role } })),
  detachCluster: (blueprintId: number, linkId: number) =>
    read(bp.clusters[':linkId'].$delete({ param: { ...id(blueprintId), linkId: param(linkId) } })),

  taxonomies: (blueprintId: number) => data(bp.taxonomies.$get({ param: id(blueprintId) })),
  createTaxonomy: (blueprintId: number, json: Pick<TaxonomyBody, 'name' | 'taxonomy_type'>) =>
    data(bp.taxonomies.$post({ param: id(blueprintId), json })),
  updateTaxonomy: (blueprintId: number, taxId: number, json: { name: string }) =>
    data(bp.taxonomies[':taxId'].$patch({ param: { ...id(blueprintId), taxId: param(taxId) }, json })),
  deleteTaxonomy: (blueprintId: number, taxId: number) =>
    read(bp.taxonomies[':taxId'].$delete({ param: { ...id(blueprintId), taxId: param(taxId) } })),

  pages: async (blueprintId: number) =>
    (await read(sb.pages.$get({ query: { blueprint_id: blueprintId, page_size: 200 } }))).results,
  createPage: (json: Partial<PageCreateBody> & Pick<PageCreateBody, 'blueprint_id' | 'title'>) =>
    data(sb.pages.$post({ json })),
  updatePage: (pageId: number, json: PageUpdateBody) => data(sb.pages[':id'].$patch({ param: id(pageId), json })),
  deletePage: (pageId: number) => read(sb.pages[':id'].$delete({ param: id(pageId) })),
  reorderPages: (blueprintId: number, pages: PageOrderBody['pages']) =>
    read(sb.pages.reorder.$post({ json: { blueprint_id: blueprintId, pages } })),

  assets: async (siteId: number) =>
    (await read(sb.assets.$get({ query: { site_id: siteId, page_size: 100 } }))).results,
  /** The image's bytes as they are (the API sniffs and sizes them), its alt text in the query. */
  uploadAsset: async (siteId: number, file: File, kind: SiteAsset['kind'], alt: string) =>
    (
      await http.upload<SiteAsset>('/api/v1/site-builder/assets/', file, {
        query: { site_id: siteId, kind, alt, filename: file.name },
        contentType: file.type,
      })
    ).data,
  deleteAsset: (assetId: number) => read(sb.assets[':id'].$delete({ param: id(assetId) })),
  /** The asset's bytes with the access token (the file route is private; an <img> can't send it). */
  assetBlob: async (assetId: number): Promise<Blob> => {
    const res = await sb.assets[':id'].file.$get({ param: id(assetId) });
    if (!res.ok) throw new Error(`The image could not be loaded (HTTP ${res.status}).`);
    return res.blob();
  },

  structureQuote: (blueprintId: number) => data(bp.generate_structure.quote.$get({ param: id(blueprintId) })),
  generateStructure: (blueprintId: number, replace = false) =>
    read(bp.generate_structure.$post({ param: id(blueprintId), json: { replace } })),
  generatePageContent: (pageId: number) =>
    read(sb.pages[':id'].generate_content.$post({ param: id(pageId), json: {} })),

  /**
   * The preview frame can't send the access token: this sets the cookie it carries instead (a
   * ticket that expires with the token it was issued under). Returns when it expires.
   */
  previewSession: async (): Promise<number> => {
    await freshAccessToken(120);
    const res = await data(sb.preview.session.$post());
    return new Date(res.expires_at).getTime();
  },
};

export const publisher = {
  deploy: (blueprintId: number) => read(pub.blueprints[':id'].deploy.$post({ param: id(blueprintId), json: {} })),
  deployments: (siteId: number) =>
    read(pub.deployments.$get({ query: { site_id: siteId, page_size: 50, ordering: '-created_at' } })),
  rollback: (deploymentId: number) => data(pub.deployments[':id'].rollback.$post({ param: id(deploymentId) })),
  calendar: async (siteId: number, from: string, to: string) =>
    (await data(pub.calendar.$get({ query: { site_id: siteId, from, to } }))).items,
  unschedule: (contentId: number) =>
    read(pub.content[':contentId'].unschedule.$post({ param: { contentId: param(contentId) } })),
};

/** The preview cookie's expiry, shared by every preview of this tab. */
let previewCookieExpiresAt = 0;

/** Sets the preview frame's cookie when it was never set or lapses within a minute. */
export async function ensurePreviewCookie(): Promise<void> {
  if (previewCookieExpiresAt - Date.now() > 60_000) return;
  previewCookieExpiresAt = await siteBuilder.previewSession();
}

/** The preview route of a blueprint's page: the renderer's output from the current data. */
export function previewUrl(blueprintId: number, path: string): string {
  return `/api/v1/site-builder/preview/${blueprintId}/${path.replace(/^\/+/, '')}`;
}
