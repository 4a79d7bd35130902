import { z } from 'zod';
import { ACCOUNT_MOVE_STATUSES } from '../domain/enums';
import { id } from './common';

/** POST /api/v1/admin/moves/: move an account to another shard (a binding name, e.g. DB_SHARD_2). */
export const createMoveBody = z.object({
  account_id: id,
  to_shard: z.string().trim().min(1).max(40),
});
export type CreateMoveBody = z.output<typeof createMoveBody>;

export const moveListQuery = z.object({
  account_id: z.coerce.number().int().positive().optional(),
  status: z.enum(ACCOUNT_MOVE_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
