/**
 * An account shard: every tenant table. Each row carries `account_id` and every index a tenant
 * query uses starts with it (then site, then sector), so a query that forgot the tenant filter
 * has no index to hide behind. The same migrations apply to every shard binding.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import * as E from '../domain/enums';
import { bool, createdAt, id, timestamp, updatedAt } from './columns';

type Json = Record<string, unknown>;
const json = <T = Json>() => text({ mode: 'json' }).$type<T>();

const tenant = () => ({ account_id: integer().notNull() });
const siteScoped = () => ({ ...tenant(), site_id: integer().notNull() });
const sectorScoped = () => ({ ...siteScoped(), sector_id: integer().notNull() });
const stamps = () => ({ created_at: createdAt(), updated_at: updatedAt() });

// ---------------------------------------------------------------- sites, sectors, access

export const sites = sqliteTable(
  'sites',
  {
    id: id(),
    ...tenant(),
    name: text().notNull(),
    slug: text().notNull(),
    domain: text(),
    description: text().notNull().default(''),
    industry_id: integer(),
    status: text({ enum: E.SITE_STATUSES }).notNull().default('active'),
    hosting_type: text({ enum: E.HOSTING_TYPES }).notNull().default('wordpress'),
    seo_metadata: json().notNull().default({}),
    /** The author profile articles of this site are written as when neither task nor idea names one. */
    default_author_profile_id: integer(),
    deleted_at: timestamp(),
    ...stamps(),
  },
  (t) => [
    uniqueIndex('sites_account_slug_idx').on(t.account_id, t.slug),
    index('sites_account_status_idx').on(t.account_id, t.status),
  ],
);

export const sectors = sqliteTable(
  'sectors',
  {
    id: id(),
    ...siteScoped(),
    name: text().notNull(),
    slug: text().notNull(),
    description: text().notNull().default(''),
    industry_sector_id: integer(),
    status: text({ enum: E.SECTOR_STATUSES }).notNull().default('active'),
    ...stamps(),
  },
  (t) => [
    uniqueIndex('sectors_site_slug_idx').on(t.account_id, t.site_id, t.slug),
    index('sectors_account_site_status_idx').on(t.account_id, t.site_id, t.status),
  ],
);

export const siteUserAccess = sqliteTable(
  'site_user_access',
  {
    id: id(),
    ...siteScoped(),
    user_id: integer().notNull(),
    granted_by_user_id: integer(),
    created_at: createdAt(),
  },
  (t) => [
    uniqueIndex('site_access_user_site_idx').on(t.account_id, t.user_id, t.site_id),
    index('site_access_site_idx').on(t.account_id, t.site_id),
  ],
);

// ---------------------------------------------------------------- planner

export const keywords = sqliteTable(
  'keywords',
  {
    id: id(),
    ...sectorScoped(),
    keyword: text().notNull(),
    /** NFKC, lower-cased, single-spaced: the key duplicates within a sector merge on. */
    normalized: text().notNull(),
    volume: integer().notNull().default(0),
    difficulty: integer().notNull().default(0),
    intent: text({ enum: E.KEYWORD_INTENTS }).notNull().default('informational'),
    status: text({ enum: E.KEYWORD_STATUSES }).notNull().default('pending'),
    cluster_id: integer(),
    ...stamps(),
  },
  (t) => [
    uniqueIndex('keywords_sector_normalized_idx').on(t.account_id, t.sector_id, t.normalized),
    index('keywords_scope_status_idx').on(t.account_id, t.site_id, t.sector_id, t.status),
    index('keywords_scope_volume_idx').on(t.account_id, t.site_id, t.volume),
    index('keywords_cluster_idx').on(t.account_id, t.cluster_id),
  ],
);

export const clusters = sqliteTable(
  'clusters',
  {
    id: id(),
    ...sectorScoped(),
    name: text().notNull(),
    /** NFKC, lower-cased, single-spaced name: one cluster per name in a sector, so AI batches
     * that name the same cluster merge into it, and a replayed job step finds it instead of
     * creating it twice. */
    normalized_name: text().notNull(),
    description: text().notNull().default(''),
    keywords_count: integer().notNull().default(0),
    volume: integer().notNull().default(0),
    status: text({ enum: E.CLUSTER_STATUSES }).notNull().default('active'),
    /** The job that created it (null when made by hand). */
    source_job_id: text(),
    ...stamps(),
  },
  (t) => [
    index('clusters_scope_idx').on(t.account_id, t.site_id, t.sector_id, t.status),
    // The list's default order (-volume, then id: the rowid every index ends with).
    index('clusters_scope_volume_idx').on(t.account_id, t.site_id, t.volume),
    uniqueIndex('clusters_sector_name_idx').on(t.account_id, t.sector_id, t.normalized_name),
  ],
);

/** Keyword ↔ cluster (the seeds model it as many-to-many). */
export const keywordClusters = sqliteTable(
  'keyword_clusters',
  {
    ...tenant(),
    keyword_id: integer().notNull(),
    cluster_id: integer().notNull(),
    created_at: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.account_id, t.keyword_id, t.cluster_id] }),
    index('keyword_clusters_cluster_idx').on(t.account_id, t.cluster_id),
  ],
);

export type OutlineSection = { h2: string; coverage: string };

export const contentIdeas = sqliteTable(
  'content_ideas',
  {
    id: id(),
    ...sectorScoped(),
    cluster_id: integer(),
    idea_title: text().notNull(),
    description: text().notNull().default(''),
    content_type: text({ enum: E.CONTENT_TYPES }).notNull().default('post'),
    content_structure: text({ enum: E.CONTENT_STRUCTURES }).notNull().default('article'),
    target_keywords: json<string[]>().notNull().default([]),
    estimated_word_count: integer().notNull().default(1500),
    /** The H2 outline the writer must follow (kept, unlike the original product). */
    outline: json<OutlineSection[]>().notNull().default([]),
    /** The author profile its task is written as (the task's own choice wins; else the site default). */
    author_profile_id: integer(),
    status: text({ enum: E.IDEA_STATUSES }).notNull().default('new'),
    source_job_id: text(),
    ...stamps(),
  },
  (t) => [
    index('ideas_scope_idx').on(t.account_id, t.site_id, t.sector_id, t.status),
    index('ideas_scope_created_idx').on(t.account_id, t.site_id, t.created_at),
    index('ideas_cluster_idx').on(t.account_id, t.cluster_id),
    // A replayed generate_ideas step inserts nothing twice.
    uniqueIndex('ideas_job_title_idx').on(t.account_id, t.source_job_id, t.cluster_id, t.idea_title),
  ],
);

// ---------------------------------------------------------------- writer

export const tasks = sqliteTable(
  'tasks',
  {
    id: id(),
    ...sectorScoped(),
    cluster_id: integer(),
    idea_id: integer(),
    title: text().notNull(),
    description: text().notNull().default(''),
    target_keywords: json<string[]>().notNull().default([]),
    content_type: text({ enum: E.CONTENT_TYPES }).notNull().default('post'),
    content_structure: text({ enum: E.CONTENT_STRUCTURES }).notNull().default('article'),
    word_count_target: integer().notNull().default(1500),
    author_profile_id: integer(),
    /** Task-level prompt override (the first place the prompt resolution looks). */
    prompt_override: text(),
    status: text({ enum: E.TASK_STATUSES }).notNull().default('queued'),
    content_id: integer(),
    ...stamps(),
  },
  (t) => [
    index('tasks_scope_idx').on(t.account_id, t.site_id, t.sector_id, t.status),
    index('tasks_scope_created_idx').on(t.account_id, t.site_id, t.created_at),
    uniqueIndex('tasks_idea_idx').on(t.account_id, t.idea_id),
  ],
);

export const content = sqliteTable(
  'content',
  {
    id: id(),
    ...sectorScoped(),
    task_id: integer(),
    /** The cluster the article serves (from its task): hub/spoke links and the score's cluster keywords. */
    cluster_id: integer(),
    title: text().notNull(),
    /** The page's address on its site (unique per site when set); projected from the draft's meta map. */
    slug: text().notNull().default(''),
    html_content: text().notNull().default(''),
    word_count: integer().notNull().default(0),
    meta_title: text().notNull().default(''),
    meta_description: text().notNull().default(''),
    primary_keyword: text().notNull().default(''),
    secondary_keywords: json<string[]>().notNull().default([]),
    tags: json<string[]>().notNull().default([]),
    categories: json<string[]>().notNull().default([]),
    excerpt: text().notNull().default(''),
    status: text({ enum: E.CONTENT_STATUSES }).notNull().default('draft'),
    status_changed_by_user_id: integer(),
    status_changed_at: timestamp(),
    source: text({ enum: E.CONTENT_SOURCES }).notNull().default('ai'),
    wp_post_id: integer(),
    wp_post_url: text(),
    published_at: timestamp(),
    /** When status = scheduled: the moment to publish, and where (`wordpress` | `igny8`). */
    publish_at: timestamp(),
    publish_destination: text({ enum: E.PUBLISH_DESTINATIONS }),
    /** Live on the site IGNY8 serves (worker/publisher owns it): set by publish, cleared by unpublish. */
    site_published_at: timestamp(),
    /** Bumped on every HTML projection from the draft room, to ignore stale writes. */
    draft_revision: integer().notNull().default(0),
    ...stamps(),
  },
  (t) => [
    index('content_scope_idx').on(t.account_id, t.site_id, t.sector_id, t.status),
    index('content_scope_updated_idx').on(t.account_id, t.site_id, t.updated_at),
    index('content_site_live_idx').on(t.account_id, t.site_id, t.site_published_at),
    uniqueIndex('content_task_idx').on(t.account_id, t.task_id),
    uniqueIndex('content_site_slug_idx').on(t.account_id, t.site_id, t.slug).where(sql`slug <> ''`),
  ],
);

export const images = sqliteTable(
  'images',
  {
    id: id(),
    ...sectorScoped(),
    task_id: integer(),
    content_id: integer(),
    image_type: text({ enum: E.IMAGE_TYPES }).notNull(),
    prompt: text().notNull().default(''),
    alt: text().notNull().default(''),
    /** In-article images go after this section index (0-based). */
    after_section: integer(),
    r2_key: text(),
    mime_type: text(),
    width: integer(),
    height: integer(),
    provider: text(),
    model: text(),
    status: text({ enum: E.IMAGE_STATUSES }).notNull().default('pending'),
    wp_media_id: integer(),
    ...stamps(),
  },
  (t) => [index('images_content_idx').on(t.account_id, t.site_id, t.content_id)],
);

// ---------------------------------------------------------------- system

export const aiPrompts = sqliteTable(
  'ai_prompts',
  {
    id: id(),
    ...tenant(),
    prompt_type: text({ enum: E.PROMPT_TYPES }).notNull(),
    prompt_value: text().notNull(),
    ...stamps(),
  },
  (t) => [uniqueIndex('ai_prompts_type_idx').on(t.account_id, t.prompt_type)],
);

export const integrationSettings = sqliteTable(
  'integration_settings',
  {
    id: id(),
    ...tenant(),
    integration_type: text({ enum: E.INTEGRATION_TYPES }).notNull(),
    /** Non-secret settings: base URL, model per function, image type... */
    config: json().notNull().default({}),
    /** AES-GCM ciphertext of the API key. */
    api_key_enc: text(),
    is_active: bool().notNull().default(true),
    ...stamps(),
  },
  (t) => [uniqueIndex('integration_settings_type_idx').on(t.account_id, t.integration_type)],
);

export const authorProfiles = sqliteTable(
  'author_profiles',
  {
    id: id(),
    ...tenant(),
    name: text().notNull(),
    description: text().notNull().default(''),
    tone: text().notNull().default('professional'),
    language: text().notNull().default('en'),
    structure_template: json().notNull().default({}),
    is_active: bool().notNull().default(true),
    ...stamps(),
  },
  (t) => [index('author_profiles_account_idx').on(t.account_id, t.is_active)],
);

export const strategies = sqliteTable(
  'strategies',
  {
    id: id(),
    ...tenant(),
    sector_id: integer(),
    name: text().notNull(),
    description: text().notNull().default(''),
    prompt_types: json<string[]>().notNull().default([]),
    section_logic: json().notNull().default({}),
    is_active: bool().notNull().default(true),
    ...stamps(),
  },
  (t) => [index('strategies_account_idx').on(t.account_id, t.sector_id)],
);

/**
 * Every saved text of an account's prompt, newest version highest: the editor's history, diff and
 * restore. The live text stays in ai_prompts (one row per type); a save writes both in one batch.
 */
export const aiPromptVersions = sqliteTable(
  'ai_prompt_versions',
  {
    id: id(),
    ...tenant(),
    prompt_type: text({ enum: E.PROMPT_TYPES }).notNull(),
    version: integer().notNull(),
    prompt_value: text().notNull(),
    source: text({ enum: E.PROMPT_VERSION_SOURCES }).notNull().default('edit'),
    /** For a restore: the version it brought back. */
    restored_from: integer(),
    created_by_user_id: integer(),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex('ai_prompt_versions_idx').on(t.account_id, t.prompt_type, t.version)],
);

/**
 * One row per AI provider call (a job's attempt, a prompt's "try it", the image test): what it cost
 * and how it ended. The request and reply bodies live in R2 under `body_key` for 30 days (then the
 * key is cleared); API keys are never written to either.
 */
export const aiCallLogs = sqliteTable(
  'ai_call_logs',
  {
    id: id(),
    ...tenant(),
    site_id: integer(),
    job_id: text(),
    purpose: text({ enum: E.AI_CALL_PURPOSES }).notNull(),
    provider: text().notNull().default('openai'),
    model: text().notNull().default(''),
    status: text({ enum: E.AI_CALL_STATUSES }).notNull(),
    /** The provider's finish reason (stop, length, content_filter…), or the error's kind. */
    finish_reason: text().notNull().default(''),
    /** The reply needed the tolerant repair (code fences, prose around JSON…) before it validated. */
    repaired: bool().notNull().default(false),
    tokens_input: integer().notNull().default(0),
    tokens_output: integer().notNull().default(0),
    cost_usd: real().notNull().default(0),
    duration_ms: integer().notNull().default(0),
    error: text(),
    body_key: text(),
    body_expires_at: timestamp(),
    created_by_user_id: integer(),
    created_at: createdAt(),
  },
  (t) => [
    index('ai_call_logs_account_idx').on(t.account_id, t.created_at),
    index('ai_call_logs_purpose_idx').on(t.account_id, t.purpose, t.created_at),
    index('ai_call_logs_job_idx').on(t.account_id, t.job_id),
  ],
);

// ---------------------------------------------------------------- billing

/**
 * One row per account. `balance` is what can be spent now; `reserved` is the part of past
 * spending still held by running jobs (released back to `balance` if they fail). See
 * worker/billing/ledger.ts for how every movement stays a single conditional batch.
 */
export const creditBalances = sqliteTable('credit_balances', {
  account_id: integer().primaryKey(),
  balance: integer().notNull().default(0),
  reserved: integer().notNull().default(0),
  /** Idempotency key of the movement that last changed this row: lets the ledger row of the
   * same batch be written only if the balance update actually happened. */
  last_tx_key: text(),
  updated_at: updatedAt(),
});

export const creditTransactions = sqliteTable(
  'credit_transactions',
  {
    id: id(),
    ...tenant(),
    transaction_type: text({ enum: E.CREDIT_TRANSACTION_TYPES }).notNull(),
    amount: integer().notNull(),
    balance_after: integer().notNull(),
    description: text().notNull().default(''),
    /** e.g. `reserve:<job id>`: the UNIQUE constraint is what makes a money movement happen once. */
    idempotency_key: text().notNull(),
    job_id: text(),
    metadata: json().notNull().default({}),
    created_at: createdAt(),
  },
  (t) => [
    uniqueIndex('credit_tx_idempotency_idx').on(t.account_id, t.idempotency_key),
    index('credit_tx_account_created_idx').on(t.account_id, t.created_at),
  ],
);

export const creditUsageLogs = sqliteTable(
  'credit_usage_logs',
  {
    id: id(),
    ...tenant(),
    site_id: integer(),
    operation_type: text({ enum: E.AI_FUNCTIONS }).notNull(),
    credits_used: integer().notNull(),
    cost_usd: real().notNull().default(0),
    model_used: text().notNull().default(''),
    tokens_input: integer().notNull().default(0),
    tokens_output: integer().notNull().default(0),
    related_object_type: text(),
    related_object_id: integer(),
    job_id: text(),
    metadata: json().notNull().default({}),
    created_at: createdAt(),
  },
  (t) => [
    index('credit_usage_account_created_idx').on(t.account_id, t.created_at),
    uniqueIndex('credit_usage_job_idx').on(t.account_id, t.job_id),
  ],
);

export const aiTaskLogs = sqliteTable(
  'ai_task_logs',
  {
    id: id(),
    ...siteScoped(),
    job_id: text().notNull(),
    function_name: text({ enum: E.AI_FUNCTIONS }).notNull(),
    status: text({ enum: E.AI_TASK_STATUSES }).notNull(),
    phase: text().notNull().default('INIT'),
    message: text().notNull().default(''),
    attempts: integer().notNull().default(0),
    tokens_input: integer().notNull().default(0),
    tokens_output: integer().notNull().default(0),
    cost_usd: real().notNull().default(0),
    duration_ms: integer().notNull().default(0),
    error: text(),
    payload: json().notNull().default({}),
    result: json(),
    created_by_user_id: integer(),
    ...stamps(),
  },
  (t) => [
    uniqueIndex('ai_task_logs_job_idx').on(t.account_id, t.job_id),
    index('ai_task_logs_site_idx').on(t.account_id, t.site_id, t.created_at),
  ],
);

/**
 * Budget alerts the owner sets: when the credits used in the day or month reach a threshold
 * (a percentage of `limit_credits`), the owner is told once per period and threshold.
 */
export const budgetAlerts = sqliteTable(
  'budget_alerts',
  {
    id: id(),
    ...tenant(),
    period: text({ enum: E.BUDGET_PERIODS }).notNull(),
    limit_credits: integer().notNull(),
    /** Percentages of the limit, ascending, e.g. [50, 80, 100]. */
    thresholds: json<number[]>().notNull().default([80, 100]),
    /** The period (`2026-12-02` or `2026-12`) and the highest threshold already announced in it. */
    fired_period: text(),
    fired_threshold: integer(),
    fired_at: timestamp(),
    /** The announcement already mailed to the owners (same pair as `fired_*`): each one is mailed once. */
    mailed_period: text(),
    mailed_threshold: integer(),
    is_active: bool().notNull().default(true),
    ...stamps(),
  },
  (t) => [uniqueIndex('budget_alerts_period_idx').on(t.account_id, t.period)],
);

/** A full export of an account's data (zip of CSV/JSON + images in R2), made in the background. */
export const accountExports = sqliteTable(
  'account_exports',
  {
    id: id(),
    ...tenant(),
    status: text({ enum: E.ACCOUNT_EXPORT_STATUSES }).notNull().default('queued'),
    /** `{ step, done, total }`: what the job is doing, for the progress bar. */
    progress: json().notNull().default({}),
    r2_key: text(),
    bytes: integer(),
    error: text(),
    requested_by_user_id: integer(),
    finished_at: timestamp(),
    expires_at: timestamp(),
    ...stamps(),
  },
  (t) => [index('account_exports_account_idx').on(t.account_id, t.created_at)],
);

// ---------------------------------------------------------------- publisher

export const publishingRecords = sqliteTable(
  'publishing_records',
  {
    id: id(),
    ...siteScoped(),
    content_id: integer().notNull(),
    destination: text({ enum: E.PUBLISH_DESTINATIONS }).notNull(),
    destination_id: text(),
    destination_url: text(),
    status: text({ enum: E.PUBLISH_STATUSES }).notNull().default('pending'),
    error_message: text(),
    /** What got there: media ids, term ids, steps done; enough to resume or explain. */
    metadata: json().notNull().default({}),
    created_by_user_id: integer(),
    published_at: timestamp(),
    ...stamps(),
  },
  (t) => [index('publishing_records_content_idx').on(t.account_id, t.site_id, t.content_id)],
);

export const deploymentRecords = sqliteTable(
  'deployment_records',
  {
    id: id(),
    ...siteScoped(),
    site_blueprint_id: integer().notNull(),
    version: integer().notNull(),
    deployed_version: integer(),
    status: text({ enum: E.DEPLOYMENT_STATUSES }).notNull().default('pending'),
    deployment_url: text(),
    error_message: text(),
    metadata: json().notNull().default({}),
    deployed_at: timestamp(),
    kind: text({ enum: E.DEPLOYMENT_KINDS }).notNull().default('full'),
    /** The coordinator job that built it (deploy_site). */
    job_id: text(),
    /** Files in the version's manifest, their bytes, and how many were new blobs written to R2. */
    files: integer().notNull().default(0),
    bytes: integer().notNull().default(0),
    files_changed: integer().notNull().default(0),
    duration_ms: integer().notNull().default(0),
    created_by_user_id: integer(),
    ...stamps(),
  },
  (t) => [
    index('deployment_records_blueprint_idx').on(t.account_id, t.site_id, t.site_blueprint_id),
    uniqueIndex('deployment_records_version_idx').on(t.account_id, t.site_id, t.version),
  ],
);

// ---------------------------------------------------------------- site builder

export const siteBlueprints = sqliteTable(
  'site_blueprints',
  {
    id: id(),
    ...siteScoped(),
    name: text().notNull(),
    description: text().notNull().default(''),
    type: text({ enum: E.BLUEPRINT_TYPES }).notNull().default('blog'),
    theme: text({ enum: E.SITE_THEMES }).notNull().default('editorial'),
    /** BlueprintConfig (core/validation/site-builder.ts): tagline, colours, logo, navigation extras. */
    config: json().notNull().default({}),
    structure: json().notNull().default({}),
    status: text({ enum: E.BLUEPRINT_STATUSES }).notNull().default('draft'),
    hosting_type: text({ enum: E.HOSTING_TYPES }).notNull().default('igny8_sites'),
    version: integer().notNull().default(1),
    deployed_version: integer(),
    ...stamps(),
  },
  (t) => [index('site_blueprints_site_idx').on(t.account_id, t.site_id, t.status)],
);

export const pageBlueprints = sqliteTable(
  'page_blueprints',
  {
    id: id(),
    ...siteScoped(),
    site_blueprint_id: integer().notNull(),
    slug: text().notNull(),
    title: text().notNull(),
    type: text({ enum: E.PAGE_TYPES }).notNull().default('custom'),
    blocks: json<Json[]>().notNull().default([]),
    status: text({ enum: E.PAGE_STATUSES }).notNull().default('draft'),
    order: integer().notNull().default(0),
    /** A child page sits under its parent in the navigation tree (one level deep). */
    parent_id: integer(),
    /** The cluster this page serves (a hub cluster → its pillar page). */
    cluster_id: integer(),
    in_nav: bool().notNull().default(true),
    meta_description: text().notNull().default(''),
    /** Bumped on every write: an edit sent with an older version is refused (409), not merged silently. */
    version: integer().notNull().default(1),
    ...stamps(),
  },
  (t) => [uniqueIndex('page_blueprints_slug_idx').on(t.account_id, t.site_blueprint_id, t.slug)],
);

export const siteBlueprintClusters = sqliteTable(
  'site_blueprint_clusters',
  {
    id: id(),
    ...siteScoped(),
    site_blueprint_id: integer().notNull(),
    cluster_id: integer().notNull(),
    role: text({ enum: E.BLUEPRINT_CLUSTER_ROLES }).notNull().default('hub'),
    coverage_status: text().notNull().default('pending'),
    metadata: json().notNull().default({}),
    ...stamps(),
  },
  (t) => [uniqueIndex('blueprint_clusters_idx').on(t.account_id, t.site_blueprint_id, t.cluster_id, t.role)],
);

export const siteBlueprintTaxonomies = sqliteTable(
  'site_blueprint_taxonomies',
  {
    id: id(),
    ...siteScoped(),
    site_blueprint_id: integer().notNull(),
    name: text().notNull(),
    slug: text().notNull(),
    taxonomy_type: text({ enum: E.TAXONOMY_TYPES }).notNull(),
    description: text().notNull().default(''),
    metadata: json().notNull().default({}),
    external_reference: text(),
    ...stamps(),
  },
  (t) => [uniqueIndex('blueprint_taxonomies_idx').on(t.account_id, t.site_blueprint_id, t.taxonomy_type, t.slug)],
);

/** Uploaded site files (logo, images): private in MEDIA until a deploy copies them into the site. */
export const siteAssets = sqliteTable(
  'site_assets',
  {
    id: id(),
    ...siteScoped(),
    kind: text({ enum: E.SITE_ASSET_KINDS }).notNull().default('image'),
    filename: text().notNull(),
    r2_key: text().notNull(),
    content_type: text().notNull(),
    bytes: integer().notNull(),
    width: integer(),
    height: integer(),
    alt: text().notNull().default(''),
    sha256: text().notNull(),
    created_by_user_id: integer(),
    ...stamps(),
  },
  (t) => [index('site_assets_site_idx').on(t.account_id, t.site_id, t.kind)],
);

// ---------------------------------------------------------------- automation, integration

/**
 * An automation rule (issue 13): when it runs (trigger: a cron schedule in an IANA time zone, a
 * domain event, or only by hand) and what a run does (`config`, validated by
 * core/validation/automation.ts `ruleConfig`: stages, batch sizes, caps, publish mode and window).
 * `next_run_at` is the next cron time, kept by the automation service: the scheduler's due query
 * reads only it (automation_rules_due_idx).
 */
export const automationRules = sqliteTable(
  'automation_rules',
  {
    id: id(),
    ...siteScoped(),
    sector_id: integer(),
    name: text().notNull(),
    description: text().notNull().default(''),
    trigger: text({ enum: E.AUTOMATION_TRIGGERS }).notNull(),
    /** Cron expression when trigger = schedule (5 fields, croner syntax). */
    schedule: text(),
    /** The IANA zone the cron expression is read in ("every weekday at 07:00 Europe/Berlin"). */
    timezone: text().notNull().default('UTC'),
    /** When trigger = event: which one. */
    event_type: text({ enum: E.AUTOMATION_EVENTS }),
    config: json().notNull().default({}),
    /** The seed's columns, unused: `config` holds the validated rule (kept so no migration rewrites the table). */
    conditions: json<Json[]>().notNull().default([]),
    actions: json<Json[]>().notNull().default([]),
    /** The on/off switch; status says why a rule is off (paused by a user, or error). */
    is_active: bool().notNull().default(true),
    status: text({ enum: E.AUTOMATION_RULE_STATUSES }).notNull().default('active'),
    last_executed_at: timestamp(),
    next_run_at: timestamp(),
    execution_count: integer().notNull().default(0),
    created_by_user_id: integer(),
    /** Bumped on every change: a stale PATCH gets 409. */
    version: integer().notNull().default(1),
    ...stamps(),
  },
  (t) => [
    index('automation_rules_site_idx').on(t.account_id, t.site_id, t.is_active),
    index('automation_rules_due_idx').on(t.is_active, t.next_run_at),
    index('automation_rules_event_idx').on(t.account_id, t.site_id, t.event_type),
  ],
);

/**
 * The seed's ScheduledTask: one row per start of a rule. `dedupe_key` makes a start happen once:
 * `schedule:<cron time ms>`, `event:<event id>`, `manual:<request key>`; a duplicate tick or a
 * redelivered message finds the row and starts nothing.
 */
export const scheduledTasks = sqliteTable(
  'scheduled_tasks',
  {
    id: id(),
    ...siteScoped(),
    automation_rule_id: integer().notNull(),
    source: text({ enum: E.RUN_SOURCES }).notNull().default('schedule'),
    dedupe_key: text().notNull(),
    scheduled_at: timestamp().notNull(),
    executed_at: timestamp(),
    status: text({ enum: E.SCHEDULED_TASK_STATUSES }).notNull().default('pending'),
    /** The run this start made (automation_runs.id). */
    run_id: text(),
    result: json(),
    error_message: text(),
    ...stamps(),
  },
  (t) => [
    uniqueIndex('scheduled_tasks_dedupe_idx').on(t.account_id, t.automation_rule_id, t.dedupe_key),
    index('scheduled_tasks_site_idx').on(t.account_id, t.site_id, t.scheduled_at),
  ],
);

/**
 * One automation run: the pipeline's seven stages for one start of a rule. The site's coordinator
 * drives it (durable-objects/site-coordinator/automation-runs.ts); this row is its persisted state
 * (`stages`: one AutomationStageState per stage, core/automation/run.ts), written with a version
 * compare-and-set so a pause/cancel from the API and the coordinator's step never overwrite each other.
 * `config` is the rule's config as it was when the run started (a later edit does not change a run).
 */
export const automationRuns = sqliteTable(
  'automation_runs',
  {
    /** Deterministic: `run-<rule>-<dedupe hash>`, so a redelivered start finds its run. */
    id: text().primaryKey(),
    ...siteScoped(),
    rule_id: integer().notNull(),
    scheduled_task_id: integer(),
    source: text({ enum: E.RUN_SOURCES }).notNull(),
    dry_run: bool().notNull().default(false),
    status: text({ enum: E.AUTOMATION_RUN_STATUSES }).notNull().default('queued'),
    /** 0-based index into AUTOMATION_STAGES of the stage running or next to run. */
    current_stage: integer().notNull().default(0),
    stages: json<Json[]>().notNull().default([]),
    config: json().notNull().default({}),
    /** What started it beyond the rule: the event's payload (keyword ids, content id). */
    trigger_payload: json(),
    credits_estimate: integer().notNull().default(0),
    credits_used: integer().notNull().default(0),
    error: text(),
    /** A message of this run that reached the dead-letter queue: shown with a retry button. */
    dead_letter: json(),
    requested_by_user_id: integer(),
    version: integer().notNull().default(1),
    started_at: timestamp(),
    finished_at: timestamp(),
    ...stamps(),
  },
  (t) => [
    index('automation_runs_site_idx').on(t.account_id, t.site_id, t.created_at),
    index('automation_runs_rule_idx').on(t.account_id, t.rule_id, t.created_at),
  ],
);

/**
 * A site's connection to a platform (WordPress first): `config` holds the public part ({url, username}
 * for WordPress), `credentials_enc` the AES-GCM sealed secret (the Application Password),
 * `webhook_secret_enc` the key the companion plugin signs webhooks with. Health is the last check's result.
 */
export const siteIntegrations = sqliteTable(
  'site_integrations',
  {
    id: id(),
    ...siteScoped(),
    platform: text({ enum: E.INTEGRATION_PLATFORMS }).notNull(),
    platform_type: text({ enum: ['cms', 'ecommerce', 'custom_api'] })
      .notNull()
      .default('cms'),
    config: json().notNull().default({}),
    credentials_enc: text(),
    webhook_secret_enc: text(),
    is_active: bool().notNull().default(true),
    sync_enabled: bool().notNull().default(false),
    last_sync_at: timestamp(),
    sync_status: text({ enum: E.SYNC_STATUSES }).notNull().default('pending'),
    sync_error: text(),
    /** Where an incremental sync resumes (per object type: the newest modified_gmt seen). */
    sync_cursor: json(),
    health_status: text({ enum: E.HEALTH_STATUSES }).notNull().default('unknown'),
    /** The last health check: each check's verdict, the plugin version, capabilities, latency. */
    health: json(),
    last_health_at: timestamp(),
    version: integer().notNull().default(1),
    ...stamps(),
  },
  (t) => [
    uniqueIndex('site_integrations_platform_idx').on(t.account_id, t.site_id, t.platform),
    index('site_integrations_health_idx').on(t.is_active, t.last_health_at),
  ],
);

/** An integration's history: tests, health checks, syncs, webhooks (accepted and refused), pushes, pulls. */
export const integrationEvents = sqliteTable(
  'integration_events',
  {
    id: id(),
    ...siteScoped(),
    integration_id: integer().notNull(),
    kind: text({ enum: E.INTEGRATION_EVENT_KINDS }).notNull(),
    status: text({ enum: E.INTEGRATION_EVENT_STATUSES }).notNull(),
    summary: text().notNull().default(''),
    detail: json(),
    duration_ms: integer(),
    created_at: createdAt(),
  },
  (t) => [index('integration_events_integration_idx').on(t.account_id, t.integration_id, t.created_at)],
);

/**
 * Drift: a WordPress post we published, edited in WordPress after our last publish (found by sync or a
 * webhook). Open until pulled into a new draft version or dismissed; one row per article.
 */
export const integrationDrift = sqliteTable(
  'integration_drift',
  {
    id: id(),
    ...siteScoped(),
    integration_id: integer().notNull(),
    content_id: integer().notNull(),
    wp_post_id: integer().notNull(),
    remote_modified_at: timestamp().notNull(),
    published_at: timestamp(),
    status: text({ enum: E.DRIFT_STATUSES }).notNull().default('open'),
    detected_at: timestamp().notNull(),
    resolved_at: timestamp(),
    resolved_by_user_id: integer(),
  },
  (t) => [
    uniqueIndex('integration_drift_content_idx').on(t.account_id, t.integration_id, t.content_id),
    index('integration_drift_status_idx').on(t.account_id, t.site_id, t.status),
  ],
);

// ---------------------------------------------------------------- the grow half: inventory, scores, links

/**
 * The site content inventory (DESIGN §9): every page of a site a link may point to: our articles
 * (projected from their drafts, updated on publish), later built pages and WordPress posts. `ref_id`
 * is the id of the thing in its own table (content id for `content`). Terms are the page's
 * prominent stemmed terms (core/linker `prominentTerms`), what link candidates are ranked on.
 */
export const sitePages = sqliteTable(
  'site_pages',
  {
    id: id(),
    ...siteScoped(),
    kind: text({ enum: E.SITE_PAGE_KINDS }).notNull(),
    ref_id: integer().notNull(),
    url: text().notNull(),
    title: text().notNull().default(''),
    primary_keyword: text().notNull().default(''),
    cluster_id: integer(),
    is_hub: bool().notNull().default(false),
    /** draft | review | published | scheduled: only published and scheduled pages are link targets. */
    status: text().notNull(),
    published_at: timestamp(),
    scheduled_at: timestamp(),
    word_count: integer().notNull().default(0),
    terms: json<{ term: string; weight: number }[]>().notNull().default([]),
    inbound_count: integer().notNull().default(0),
    outbound_count: integer().notNull().default(0),
    /** WordPress rows (sync): the post's or term's modified time there, so a re-sync skips what did not change. */
    remote_modified_at: timestamp(),
    ...stamps(),
  },
  (t) => [
    uniqueIndex('site_pages_ref_idx').on(t.account_id, t.site_id, t.kind, t.ref_id),
    index('site_pages_status_idx').on(t.account_id, t.site_id, t.status),
  ],
);

/** Every internal link a page holds (replaced on each projection of the page): inbound counts, orphans, broken. */
export const siteLinks = sqliteTable(
  'site_links',
  {
    id: id(),
    ...siteScoped(),
    source_page_id: integer().notNull(),
    href: text().notNull(),
    /** The page the link resolves to (null: no such page). */
    target_page_id: integer(),
    /** null: fine; missing | unpublished: broken (core/linker validateLinks). */
    broken: text({ enum: ['missing', 'unpublished'] }),
  },
  (t) => [
    index('site_links_source_idx').on(t.account_id, t.source_page_id),
    index('site_links_target_idx').on(t.account_id, t.site_id, t.target_page_id),
  ],
);

/** The latest score of each article (written by the draft room on projection, and by analyze). */
export const contentScores = sqliteTable(
  'content_scores',
  {
    ...siteScoped(),
    content_id: integer().notNull(),
    score: integer().notNull(),
    band: text({ enum: ['low', 'medium', 'high'] }).notNull(),
    scorer_version: integer().notNull(),
    words: integer().notNull(),
    categories: json<Record<string, { points: number; max: number }>>().notNull(),
    /** The checks that lost points, most first (id, light, points lost, message): the list's "top issues". */
    issues: json<{ id: string; light: string; lost: number; message: string }[]>().notNull().default([]),
    scored_at: timestamp().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.account_id, t.content_id] }),
    index('content_scores_site_idx').on(t.account_id, t.site_id, t.score),
  ],
);

/** One row per score change of an article (capped per article), for its history chart. */
export const contentScoreHistory = sqliteTable(
  'content_score_history',
  {
    id: id(),
    ...siteScoped(),
    content_id: integer().notNull(),
    score: integer().notNull(),
    scorer_version: integer().notNull(),
    words: integer().notNull(),
    at: timestamp().notNull(),
  },
  (t) => [index('content_score_history_idx').on(t.account_id, t.content_id, t.at)],
);

/**
 * A suggested internal link: anchored by Yjs relative positions to words already in the draft
 * (base64 of Y.encodeRelativePosition), so accepting lands on the same words after edits, or the
 * suggestion turns stale when they are gone (DESIGN §9, links are data, then marks).
 */
export const linkSuggestions = sqliteTable(
  'link_suggestions',
  {
    id: id(),
    ...siteScoped(),
    content_id: integer().notNull(),
    target_page_id: integer().notNull(),
    target_url: text().notNull(),
    target_title: text().notNull().default(''),
    anchor_text: text().notNull(),
    anchor_start: text().notNull(),
    anchor_end: text().notNull(),
    score: real().notNull().default(0),
    reason: text().notNull().default(''),
    origin: text({ enum: ['rules', 'ai'] })
      .notNull()
      .default('rules'),
    direction: text({ enum: ['outbound', 'inbound'] })
      .notNull()
      .default('outbound'),
    status: text({ enum: E.LINK_SUGGESTION_STATUSES }).notNull().default('pending'),
    job_id: text(),
    decided_by_user_id: integer(),
    decided_at: timestamp(),
    ...stamps(),
  },
  (t) => [
    index('link_suggestions_content_idx').on(t.account_id, t.content_id, t.status),
    index('link_suggestions_site_idx').on(t.account_id, t.site_id, t.status),
  ],
);

/** A site's linking rules (one row per site; defaults when absent). */
export const linkerSettings = sqliteTable(
  'linker_settings',
  {
    ...siteScoped(),
    /** The most links suggested per article; the article's length scales it down (core/linker linkCap). */
    max_links: integer().notNull().default(10),
    /** Let the AI choose among the candidates (costs credits); otherwise the ranked rules choose. */
    ai_pass: bool().notNull().default(false),
    /** Suggest links to an article from older ones when it is published. */
    inbound_on_publish: bool().notNull().default(true),
    ...stamps(),
  },
  (t) => [primaryKey({ columns: [t.account_id, t.site_id] })],
);

export type SiteRow = typeof sites.$inferSelect;
export type SectorRow = typeof sectors.$inferSelect;
export type KeywordRow = typeof keywords.$inferSelect;
