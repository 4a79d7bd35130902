/**
 * The control database: who exists, where their data lives, what they pay for.
 * Tenant data (sites and everything under them) lives in the account shards, see `shard.ts`.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  ACCOUNT_MOVE_STATUSES,
  ACCOUNT_STATUSES,
  PASSWORD_RESET_ORIGINS,
  ROLES,
  SUBSCRIPTION_STATUSES,
  USER_STATUSES,
} from '../domain/enums';
import { bool, createdAt, id, timestamp, updatedAt } from './columns';

export const plans = sqliteTable('plans', {
  id: id(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  price_cents: integer().notNull().default(0),
  /** Limits; null means unlimited. */
  max_sites: integer(),
  max_users: integer(),
  max_keywords: integer(),
  max_clusters: integer(),
  included_credits: integer().notNull().default(0),
  is_default: bool().notNull().default(false),
  is_active: bool().notNull().default(true),
  created_at: createdAt(),
});

export const accounts = sqliteTable('accounts', {
  id: id(),
  name: text().notNull(),
  slug: text().notNull().unique(),
  owner_user_id: integer(),
  plan_id: integer().notNull(),
  status: text({ enum: ACCOUNT_STATUSES }).notNull().default('active'),
  created_at: createdAt(),
  updated_at: updatedAt(),
});

export const users = sqliteTable(
  'users',
  {
    id: id(),
    account_id: integer().notNull(),
    /** Stored lower-cased; one user belongs to exactly one account, so email is unique overall. */
    email: text().notNull().unique(),
    name: text().notNull().default(''),
    role: text({ enum: ROLES }).notNull(),
    status: text({ enum: USER_STATUSES }).notNull().default('active'),
    /** `scrypt$N$r$p$salt$hash` (see worker/auth/passwords.ts); null until an invite is accepted. */
    password_hash: text(),
    /** SHA-256 of the one-time invite token; cleared when it is used. */
    invite_token_hash: text().unique(),
    invite_expires_at: timestamp(),
    invited_by_user_id: integer(),
    last_login_at: timestamp(),
    /**
     * Bumped when the password or the role changes, or the user is disabled: access tokens carry
     * the version they were issued under, and one with an older version is refused at once.
     */
    token_version: integer().notNull().default(0),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  (t) => [index('users_account_idx').on(t.account_id, t.role)],
);

export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: id(),
    account_id: integer().notNull(),
    plan_id: integer().notNull(),
    status: text({ enum: SUBSCRIPTION_STATUSES }).notNull().default('active'),
    current_period_start: timestamp().notNull(),
    current_period_end: timestamp().notNull(),
    cancelled_at: timestamp(),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  (t) => [index('subscriptions_account_idx').on(t.account_id, t.status)],
);

/** A login starts a family; every refresh rotates within it; reuse of a spent token revokes it. */
export const refreshTokenFamilies = sqliteTable(
  'refresh_token_families',
  {
    id: text().primaryKey(),
    account_id: integer().notNull(),
    user_id: integer().notNull(),
    user_agent: text(),
    created_at: createdAt(),
    last_used_at: timestamp(),
    revoked_at: timestamp(),
    /** `max_age`: the family outlived REFRESH_FAMILY_MAX_AGE_SECONDS (worker/auth/tokens.ts). */
    revoked_reason: text({ enum: ['logout', 'reuse_detected', 'password_changed', 'user_removed', 'max_age'] }),
  },
  (t) => [index('refresh_families_user_idx').on(t.account_id, t.user_id)],
);

export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    /** SHA-256 of the opaque token: the token itself is never stored. */
    token_hash: text().primaryKey(),
    family_id: text().notNull(),
    expires_at: timestamp().notNull(),
    used_at: timestamp(),
    created_at: createdAt(),
  },
  (t) => [index('refresh_tokens_family_idx').on(t.family_id)],
);

/** Which shard binding holds an account's tenant data: a directory, so a tenant can move later. */
export const shardDirectory = sqliteTable('shard_directory', {
  account_id: integer().primaryKey(),
  shard: text().notNull(),
  created_at: createdAt(),
  moved_at: timestamp(),
});

/**
 * The sites IGNY8 serves: a public slug (development: /s/<slug>/) or a custom hostname → the
 * account, site and shard, and the live version. `live_version` is THE pointer a deploy or a
 * rollback flips: one UPDATE of one row, so a reader sees the old version or the new, never a mix.
 */
export const siteDirectory = sqliteTable(
  'site_directory',
  {
    id: id(),
    slug: text().notNull().unique(),
    hostname: text().unique(),
    account_id: integer().notNull(),
    site_id: integer().notNull(),
    shard: text().notNull(),
    live_version: integer(),
    live_deployment_id: integer(),
    updated_at: timestamp(),
  },
  (t) => [uniqueIndex('site_directory_site_idx').on(t.account_id, t.site_id)],
);

/** Fixed-window counters for login throttling, keyed `ip:<addr>` or `email:<address>`. */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  window_started_at: integer().notNull(),
  locked_until: integer(),
});

export const industries = sqliteTable('industries', {
  id: id(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  description: text().notNull().default(''),
  is_active: bool().notNull().default(true),
  created_at: createdAt(),
});

export const industrySectors = sqliteTable(
  'industry_sectors',
  {
    id: id(),
    industry_id: integer().notNull(),
    slug: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(''),
    suggested_keywords: text({ mode: 'json' }).$type<string[]>().notNull().default([]),
    is_active: bool().notNull().default(true),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex('industry_sectors_slug_idx').on(t.industry_id, t.slug)],
);

/**
 * Everything a developer did across accounts (a request with X-Account-ID for another account) and
 * every admin change (plans, credits, account status, shard moves, dead-letter replays).
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: id(),
    actor_user_id: integer().notNull(),
    actor_account_id: integer().notNull(),
    /** The account acted on (null for a change with no account: a plan). */
    target_account_id: integer(),
    /** `cross_account.request`, `plan.update`, `credits.adjust`, `account.move`, `dead_letter.replay`… */
    action: text().notNull(),
    method: text().notNull().default(''),
    path: text().notNull().default(''),
    status: integer(),
    request_id: text(),
    detail: text({ mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    created_at: createdAt(),
  },
  (t) => [
    index('audit_log_created_idx').on(t.created_at),
    index('audit_log_target_idx').on(t.target_account_id, t.created_at),
  ],
);

/** A move of one account's tenant data to another shard: its step, progress and id mapping state. */
export const accountMoves = sqliteTable(
  'account_moves',
  {
    id: id(),
    account_id: integer().notNull(),
    from_shard: text().notNull(),
    to_shard: text().notNull(),
    status: text({ enum: ACCOUNT_MOVE_STATUSES }).notNull().default('pending'),
    /** Tables done, rows copied, the verification's counts: enough to resume and to explain. */
    state: text({ mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    error: text(),
    requested_by_user_id: integer().notNull(),
    created_at: createdAt(),
    updated_at: updatedAt(),
    finished_at: timestamp(),
  },
  (t) => [index('account_moves_account_idx').on(t.account_id, t.created_at)],
);

/** Messages that ran out of retries (every queue's dead letters), kept so a developer can read and replay them. */
export const deadLetters = sqliteTable(
  'dead_letters',
  {
    id: id(),
    queue: text().notNull(),
    message_id: text().notNull().unique(),
    event_type: text().notNull().default(''),
    account_id: integer(),
    body: text({ mode: 'json' }).$type<unknown>().notNull(),
    attempts: integer().notNull().default(0),
    error: text(),
    created_at: createdAt(),
    replayed_at: timestamp(),
    replayed_by_user_id: integer(),
  },
  (t) => [index('dead_letters_created_idx').on(t.replayed_at, t.created_at)],
);

/** One-time password reset links (stored hashed, like invite tokens); a use or a newer link ends one. */
export const passwordResets = sqliteTable(
  'password_resets',
  {
    token_hash: text().primaryKey(),
    user_id: integer().notNull(),
    account_id: integer().notNull(),
    origin: text({ enum: PASSWORD_RESET_ORIGINS }).notNull(),
    created_by_user_id: integer(),
    expires_at: timestamp().notNull(),
    used_at: timestamp(),
    created_at: createdAt(),
  },
  (t) => [index('password_resets_user_idx').on(t.user_id, t.created_at)],
);

/** When each scheduled duty last ran (`cron.tick`, `credits.sweep`…): the status page reads it. */
export const systemHeartbeats = sqliteTable('system_heartbeats', {
  key: text().primaryKey(),
  at: timestamp().notNull(),
  detail: text({ mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
});

export type PlanRow = typeof plans.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type IndustryRow = typeof industries.$inferSelect;
export type IndustrySectorRow = typeof industrySectors.$inferSelect;
