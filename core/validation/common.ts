import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../api/envelope';

export const id = z.coerce
  .number()
  .int('Must be a whole number.')
  .positive('Must be a positive id.')
  .max(Number.MAX_SAFE_INTEGER);

/** `?page=&page_size=&search=&ordering=`: what every list accepts before its own filters. */
export const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('1-based page number'),
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Rows per page (max ${MAX_PAGE_SIZE})`),
  search: z.string().trim().max(200).optional().describe('Case-insensitive text search'),
  ordering: z.string().trim().max(100).optional().describe('Field to order by; prefix with - for descending'),
});
export type ListQuery = z.output<typeof listQuery>;

export const name = z.string().trim().min(1, 'Required.').max(120, 'At most 120 characters.');
export const description = z.string().trim().max(2000, 'At most 2000 characters.');

/** A lowercase hostname such as `example.com` (no scheme, no path). */
export const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'A domain such as example.com, without https:// or a path.',
  );

/** Turns a display name into a URL slug ("Health & Fitness" → "health-fitness"). */
export function slugify(value: string): string {
  const slug = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug || 'item';
}
