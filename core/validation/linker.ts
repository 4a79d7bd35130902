/** Payloads of the Linker API (issue 11, scope item 5), shared by the worker and the web. */
import { z } from 'zod';
import { id } from './common';

/** Articles per batch-linking job: each is a draft room woken (and, inbound, up to 20 more). */
export const MAX_LINK_BATCH = 100;
/** The most links per article a site may allow (core/linker linkCap caps at 10 too). */
export const MAX_LINKS_CEILING = 10;

export const LINK_MODES = ['suggest', 'apply'] as const;
export const LINK_DIRECTIONS = ['outbound', 'inbound', 'both'] as const;

export const suggestionsQuery = z.object({ content_id: id });
export const siteQuery = z.object({ site_id: id });

export const linkerSettingsBody = z
  .object({
    max_links: z.number().int('A whole number.').min(0).max(MAX_LINKS_CEILING, `At most ${MAX_LINKS_CEILING}.`),
    ai_pass: z.boolean(),
    inbound_on_publish: z.boolean(),
  })
  .partial()
  .strict();
export type LinkerSettingsBody = z.output<typeof linkerSettingsBody>;

export const processBody = z.object({
  content_ids: z
    .array(id)
    .min(1, 'Select at least one article.')
    .max(MAX_LINK_BATCH, `At most ${MAX_LINK_BATCH} articles at once.`),
  mode: z.enum(LINK_MODES).default('suggest'),
  direction: z.enum(LINK_DIRECTIONS).default('outbound'),
});
export type ProcessBody = z.output<typeof processBody>;
