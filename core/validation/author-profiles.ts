import { z } from 'zod';
import { id, listQuery } from './common';

/** The tones the settings form offers; any other short phrase ("dry, witty") is accepted as free text. */
export const AUTHOR_TONES = [
  'professional',
  'friendly',
  'authoritative',
  'conversational',
  'academic',
  'playful',
] as const;
export const CLOSING_STYLES = ['summary', 'cta', 'faq', 'none'] as const;

/**
 * Tone rule: one of AUTHOR_TONES, or free text of 2–60 characters made of letters, spaces, commas and
 * hyphens (it is pasted into the prompt, so no markup, quotes or line breaks).
 */
export const authorTone = z
  .string()
  .trim()
  .min(2, 'At least 2 characters.')
  .max(60, 'At most 60 characters.')
  .regex(/^[\p{L}][\p{L} ,'-]*$/u, 'Letters, spaces, commas and hyphens only.');

/** BCP-47-ish: a 2–3 letter language, optionally a script and/or region (en, en-GB, pt-BR, zh-Hant-TW). */
export const languageCode = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?$/, 'A language code such as en, en-GB or pt-BR.')
  .transform((v) => {
    const [lang, ...rest] = v.split('-');
    return [
      lang!.toLowerCase(),
      ...rest.map((p) => (p.length === 4 ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p.toUpperCase())),
    ].join('-');
  });

const shortText = z.string().trim().max(200, 'At most 200 characters.');

/** How an author structures an article; every field optional (an empty template adds nothing to the prompt). */
export const structureTemplate = z
  .object({
    intro_style: shortText.optional(),
    section_style: shortText.optional(),
    use_tables: z.boolean().optional(),
    use_lists: z.boolean().optional(),
    closing: z.enum(CLOSING_STYLES).optional(),
    notes: z.string().trim().max(1000, 'At most 1000 characters.').optional(),
  })
  .strict();
export type StructureTemplate = z.output<typeof structureTemplate>;

export const createAuthorProfileBody = z.object({
  name: z.string().trim().min(1, 'Required.').max(100, 'At most 100 characters.'),
  description: z.string().trim().max(2000, 'At most 2000 characters.').optional(),
  tone: authorTone.optional(),
  language: languageCode.optional(),
  structure_template: structureTemplate.optional(),
  is_active: z.boolean().optional(),
});
export type CreateAuthorProfileBody = z.output<typeof createAuthorProfileBody>;

export const updateAuthorProfileBody = createAuthorProfileBody
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export type UpdateAuthorProfileBody = z.output<typeof updateAuthorProfileBody>;

export const authorProfileListQuery = listQuery.extend({
  is_active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type AuthorProfileListQuery = z.output<typeof authorProfileListQuery>;

export const authorProfileId = id;
