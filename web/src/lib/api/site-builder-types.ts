/**
 * Site Builder rows as the API sends them, read from the API's own type (the typed client over
 * AppType): a field the worker adds or drops shows up here by itself. Only the block JSON Schema,
 * which the API types as a plain record, is described here — as much of it as the block forms read.
 */
import type { BLUEPRINT_CLUSTER_ROLES } from '$core/domain/enums';
import type { api, DataOf, RowOf } from './client';

type SiteBuilder = (typeof api.api.v1)['site-builder'];
type Blueprints = SiteBuilder['blueprints'];

export type Blueprint = DataOf<Blueprints[':id']['$get']>;
export type LiveSite = NonNullable<Blueprint['live']>;
export type BlueprintCluster = DataOf<Blueprints[':id']['clusters']['$get']>[number];
export type CoverageStatus = BlueprintCluster['coverage_status'];
export type ClusterRole = (typeof BLUEPRINT_CLUSTER_ROLES)[number];
export type Taxonomy = DataOf<Blueprints[':id']['taxonomies']['$get']>[number];
export type SitePage = DataOf<SiteBuilder['pages'][':id']['$get']>;
export type SiteAsset = RowOf<SiteBuilder['assets']['$get']>;
export type AssetKind = SiteAsset['kind'];
export type CreditQuote = DataOf<Blueprints[':id']['generate_structure']['quote']['$get']>;

/** GET /site-builder/metadata/: the choices the forms offer. */
type RawMetadata = DataOf<SiteBuilder['metadata']['$get']>;
export interface Choice {
  value: string;
  label: string;
  description: string;
}
export type BlockTypeInfo = Omit<RawMetadata['block_types'][number], 'schema'> & { schema: JsonSchema };
export type SiteBuilderMetadata = Omit<RawMetadata, 'block_types'> & { block_types: BlockTypeInfo[] };

/** A JSON Schema (z.toJSONSchema of the block's zod schema), as much of it as the block forms read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number)[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  format?: string;
}
