import { z } from 'zod';
import { ACCOUNT_STATUSES } from '../domain/enums';
import { id, listQuery, name } from './common';

/** The developer console's inputs (worker/admin) and the status page's answer (worker/system/status.ts). */

export const adminAccountsQuery = listQuery.extend({
  status: z.enum(ACCOUNT_STATUSES).optional().describe('Only accounts with this status'),
});

export const adminAccountPatch = z
  .object({ status: z.enum(ACCOUNT_STATUSES).optional(), plan_id: id.optional() })
  .refine((b) => b.status !== undefined || b.plan_id !== undefined, 'Send status or plan_id.');
export type AdminAccountPatch = z.output<typeof adminAccountPatch>;

/** Bounded both ways: a typo of a few zeros should be refused, not granted. */
export const MAX_CREDIT_ADJUSTMENT = 1_000_000;

export const creditAdjustmentBody = z.object({
  amount: z
    .number()
    .int('Whole credits only.')
    .min(-MAX_CREDIT_ADJUSTMENT)
    .max(MAX_CREDIT_ADJUSTMENT)
    .refine((n) => n !== 0, 'Not zero.'),
  reason: z.string().trim().min(3, 'At least 3 characters.').max(500, 'At most 500 characters.'),
  idempotency_key: z.string().trim().min(8).max(100),
});
export type CreditAdjustmentBody = z.output<typeof creditAdjustmentBody>;

const limit = z.number().int().min(0).max(1_000_000_000).nullable();

export const planBody = z.object({
  name,
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(2)
    .max(60)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Lowercase letters, digits and dashes.'),
  price_cents: z.number().int().min(0).max(100_000_000),
  max_sites: limit,
  max_users: limit,
  max_keywords: limit,
  max_clusters: limit,
  included_credits: z.number().int().min(0).max(100_000_000),
  is_active: z.boolean(),
  is_default: z.boolean(),
});
export type PlanBody = z.output<typeof planBody>;
export const planPatch = planBody.partial();
export type PlanPatch = z.output<typeof planPatch>;
export const planPatchQuery = z.object({
  force: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('Deactivate a plan even though accounts are on it'),
});

const yesNo = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

export const deadLettersQuery = listQuery.extend({
  replayed: yesNo.describe('true: replayed ones only; false: not yet replayed'),
  event_type: z.string().trim().max(100).optional(),
});

const instant = z.coerce.date();

export const auditQuery = listQuery.extend({
  actor_user_id: id.optional(),
  target_account_id: id.optional(),
  action: z.string().trim().max(100).optional(),
  since: instant.optional(),
  until: instant.optional(),
});

export const promoteDeveloperBody = z.object({ email: z.string().trim().toLowerCase().email() });

// ---------------------------------------------------------------- the status page

export const CHECK_STATUSES = ['ok', 'degraded', 'down'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface StatusCheck {
  /** Stable key, e.g. `d1.control`, `d1.DB_SHARD_2`, `queue`, `cron`. */
  name: string;
  label: string;
  status: CheckStatus;
  latency_ms: number;
  detail: string;
}

export interface StatusReport {
  status: CheckStatus;
  checked_at: string;
  checks: StatusCheck[];
}

/** The worst of the checks' statuses: one down check makes the whole report down. */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('down')) return 'down';
  if (statuses.includes('degraded')) return 'degraded';
  return 'ok';
}

/** system_heartbeats keys (written by worker/events, read by the status page): the cron tick, the queue ping. */
export const HEARTBEAT_KEYS = { cron: 'cron.tick', ping: 'event.system.ping' } as const;
/** The cron runs every 5 minutes (wrangler.toml): a tick older than this means it stopped. */
export const CRON_STALE_MS = 15 * 60 * 1000;
