import { z } from 'zod';
import { HOSTING_TYPES, SECTOR_STATUSES, SITE_STATUSES } from '../domain/enums';
import { description, domain, id, listQuery, name } from './common';

/** At most this many active sectors per site (seed: a site has 1–5 sectors). */
export const MAX_ACTIVE_SECTORS_PER_SITE = 5;

export const createSiteBody = z.object({
  name,
  domain: domain.optional(),
  description: description.optional(),
  industry_id: id.optional(),
  status: z.enum(SITE_STATUSES).optional(),
  hosting_type: z.enum(HOSTING_TYPES).optional(),
});
export type CreateSiteBody = z.output<typeof createSiteBody>;

export const updateSiteBody = createSiteBody
  .partial()
  .extend({
    domain: domain.nullable().optional(),
    industry_id: id.nullable().optional(),
    /** The author profile articles are written as when neither task nor idea names one (settings:manage). */
    default_author_profile_id: id.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export type UpdateSiteBody = z.output<typeof updateSiteBody>;

export const siteListQuery = listQuery.extend({
  status: z.enum(SITE_STATUSES).optional(),
  industry_id: id.optional(),
});

export const createSectorBody = z
  .object({
    site_id: id,
    name: name.optional(),
    description: description.optional(),
    /** Take name, slug and description from an industry sector template. */
    industry_sector_id: id.optional(),
    status: z.enum(SECTOR_STATUSES).optional(),
  })
  .refine((v) => v.name !== undefined || v.industry_sector_id !== undefined, {
    message: 'Give a name or pick an industry sector template.',
    path: ['name'],
  });
export type CreateSectorBody = z.output<typeof createSectorBody>;

export const sectorsFromTemplatesBody = z.object({
  site_id: id,
  industry_sector_ids: z
    .array(id)
    .min(1, 'Pick at least one sector template.')
    .max(MAX_ACTIVE_SECTORS_PER_SITE, `A site has at most ${MAX_ACTIVE_SECTORS_PER_SITE} active sectors.`),
});
export type SectorsFromTemplatesBody = z.output<typeof sectorsFromTemplatesBody>;

export const updateSectorBody = z
  .object({
    name: name.optional(),
    description: description.optional(),
    status: z.enum(SECTOR_STATUSES).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export type UpdateSectorBody = z.output<typeof updateSectorBody>;

export const sectorListQuery = listQuery.extend({
  site_id: id.optional(),
  status: z.enum(SECTOR_STATUSES).optional(),
});
