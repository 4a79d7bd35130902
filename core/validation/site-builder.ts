/** Payloads of the Site Builder API (issue 12, scope 1), shared by the worker and the web. */
import { z } from 'zod';
import {
  BLUEPRINT_CLUSTER_ROLES,
  BLUEPRINT_TYPES,
  PAGE_STATUSES,
  PAGE_TYPES,
  SITE_ASSET_KINDS,
  SITE_THEMES,
  TAXONOMY_TYPES,
} from '../domain/enums';
import { description, id, listQuery, name } from './common';
import { pageBlocks } from './site-blocks';

/** A page or term slug: lowercase words joined by hyphens ("" is the home page's). */
export const pageSlug = z
  .string()
  .trim()
  .toLowerCase()
  .max(80, 'At most 80 characters.')
  .regex(/^([a-z0-9]+(-[a-z0-9]+)*)?$/, 'Lowercase letters, digits and hyphens, such as about-us.');

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour such as #1f6f43.');

/** The fields of a blueprint's config, without defaults (a PATCH must not reset what it did not send). */
const configFields = {
  tagline: z.string().trim().max(160),
  accent_color: hexColor,
  logo_asset_id: z.number().int().positive().nullable(),
  /** Site language (html lang, RSS). */
  language: z.string().trim().max(10),
  /** Articles per page of the blog index and of category/tag pages. */
  posts_per_page: z.number().int().min(3).max(50),
  footer_text: z.string().trim().max(300),
};

/** What a blueprint says about its site beyond its pages (stored in site_blueprints.config). */
export const blueprintConfig = z
  .object({
    tagline: configFields.tagline.default(''),
    accent_color: configFields.accent_color.default('#1f6f43'),
    logo_asset_id: configFields.logo_asset_id.default(null),
    language: configFields.language.default('en'),
    posts_per_page: configFields.posts_per_page.default(12),
    footer_text: configFields.footer_text.default(''),
  })
  .strict();
/** A change to some config fields (zod keeps `.default()` inside `.partial()`: hence no defaults here). */
export const blueprintConfigPatch = z.object(configFields).partial().strict();
export type BlueprintConfig = z.output<typeof blueprintConfig>;

export const blueprintCreateBody = z
  .object({
    site_id: id,
    name,
    description: description.default(''),
    type: z.enum(BLUEPRINT_TYPES).default('blog'),
    theme: z.enum(SITE_THEMES).default('editorial'),
    config: blueprintConfig.default(blueprintConfig.parse({})),
  })
  .strict();
export type BlueprintCreateBody = z.output<typeof blueprintCreateBody>;

export const blueprintUpdateBody = z
  .object({
    name,
    description,
    type: z.enum(BLUEPRINT_TYPES),
    theme: z.enum(SITE_THEMES),
    config: blueprintConfigPatch,
  })
  .partial()
  .strict();
export type BlueprintUpdateBody = z.output<typeof blueprintUpdateBody>;

export const blueprintListQuery = listQuery.extend({ site_id: id.optional() });

export const blueprintClusterBody = z
  .object({
    cluster_id: id,
    role: z.enum(BLUEPRINT_CLUSTER_ROLES).default('hub'),
  })
  .strict();
export type BlueprintClusterBody = z.output<typeof blueprintClusterBody>;

export const taxonomyBody = z
  .object({
    name,
    slug: pageSlug.optional(),
    taxonomy_type: z.enum(TAXONOMY_TYPES),
    description: description.default(''),
  })
  .strict();
export type TaxonomyBody = z.output<typeof taxonomyBody>;
export const taxonomyUpdateBody = z.object({ name, slug: pageSlug, description }).partial().strict();

export const pageCreateBody = z
  .object({
    blueprint_id: id,
    title: name,
    slug: pageSlug.optional(),
    type: z.enum(PAGE_TYPES).default('custom'),
    blocks: pageBlocks.default([]),
    parent_id: id.nullable().default(null),
    cluster_id: id.nullable().default(null),
    in_nav: z.boolean().default(true),
    meta_description: z.string().trim().max(300).default(''),
  })
  .strict();
export type PageCreateBody = z.output<typeof pageCreateBody>;

/** `version`: the page version the edit was made on (409 `page_changed` when it moved on meanwhile). */
export const pageUpdateBody = z
  .object({
    version: z.number().int().positive(),
    title: name.optional(),
    slug: pageSlug.optional(),
    type: z.enum(PAGE_TYPES).optional(),
    blocks: pageBlocks.optional(),
    status: z.enum(PAGE_STATUSES).optional(),
    parent_id: id.nullable().optional(),
    cluster_id: id.nullable().optional(),
    in_nav: z.boolean().optional(),
    meta_description: z.string().trim().max(300).optional(),
  })
  .strict();
export type PageUpdateBody = z.output<typeof pageUpdateBody>;

export const pageListQuery = listQuery.extend({ blueprint_id: id });

/** The whole order of a blueprint's pages at once: ids in navigation order, with their parents. */
export const pageOrderBody = z
  .object({
    blueprint_id: id,
    pages: z
      .array(z.object({ id, parent_id: id.nullable().default(null) }))
      .min(1)
      .max(500),
  })
  .strict();
export type PageOrderBody = z.output<typeof pageOrderBody>;

/** Images a site may upload (no SVG: it can carry script). */
export const ASSET_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/x-icon'] as const;
export const MAX_ASSET_BYTES = 5 * 1024 * 1024;
export const assetUploadQuery = z.object({
  site_id: id,
  kind: z.enum(SITE_ASSET_KINDS).default('image'),
  alt: z.string().trim().max(300).default(''),
  filename: z.string().trim().min(1).max(200).default('upload'),
});
export const assetListQuery = listQuery.extend({ site_id: id, kind: z.enum(SITE_ASSET_KINDS).optional() });

export const generateStructureBody = z
  .object({
    /** Keep pages the user made or edited (default) or replace the generated ones too. */
    replace: z.boolean().default(false),
  })
  .strict();
export const generatePageContentBody = z.object({}).strict();
