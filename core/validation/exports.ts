import { z } from 'zod';

/** GET /api/v1/auth/account/exports/: the account's exports, newest first. */
export const exportListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(50).default(10),
});
