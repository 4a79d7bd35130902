/**
 * Every closed set of values the product knows, as `const` tuples. The Drizzle schema uses them
 * for column types, the zod payload schemas for validation and the web app for its selects, so a
 * new status is added in exactly one place.
 */

export const ROLES = ['developer', 'owner', 'admin', 'editor', 'viewer', 'system_bot'] as const;
export type Role = (typeof ROLES)[number];

/** Roles an owner or admin can hand out inside an account (developer and system_bot are global). */
export const ASSIGNABLE_ROLES = ['admin', 'editor', 'viewer'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export const ACCOUNT_STATUSES = ['active', 'suspended', 'trial', 'cancelled'] as const;
export const USER_STATUSES = ['active', 'invited', 'disabled'] as const;
export const SUBSCRIPTION_STATUSES = ['active', 'trialing', 'past_due', 'cancelled'] as const;
export const SITE_STATUSES = ['active', 'inactive', 'suspended'] as const;
export const SECTOR_STATUSES = ['active', 'inactive'] as const;

export const KEYWORD_INTENTS = ['informational', 'navigational', 'commercial', 'transactional'] as const;
export const KEYWORD_STATUSES = ['pending', 'active', 'archived'] as const;
export const CLUSTER_STATUSES = ['active', 'archived'] as const;
export const IDEA_STATUSES = ['new', 'scheduled', 'published', 'archived'] as const;
export const CONTENT_TYPES = ['post', 'page', 'product', 'taxonomy'] as const;
export const CONTENT_STRUCTURES = ['article', 'guide', 'listicle', 'how-to', 'comparison', 'review'] as const;
export const TASK_STATUSES = ['queued', 'in_progress', 'completed', 'failed'] as const;
/** `scheduled`: waits for its `publish_at` (the site coordinator's alarm publishes it once). */
export const CONTENT_STATUSES = ['draft', 'review', 'scheduled', 'published'] as const;
export const CONTENT_SOURCES = ['ai', 'manual'] as const;
export const IMAGE_TYPES = ['featured', 'in_article'] as const;
export const IMAGE_STATUSES = ['pending', 'generating', 'generated', 'failed'] as const;

export const AI_FUNCTIONS = [
  'auto_cluster',
  'generate_ideas',
  'generate_content',
  'generate_image_prompts',
  'generate_images',
  'optimize_content',
  'link_content',
  'generate_site_structure',
  'generate_page_content',
  'deploy_site',
  'sync_integration',
  'reparse_content',
] as const;
export type AiFunction = (typeof AI_FUNCTIONS)[number];

export const PROMPT_TYPES = [
  'clustering',
  'ideas',
  'content_generation',
  'image_prompt_extraction',
  'image_generation',
  'content_optimization',
  'internal_linking',
  'site_structure',
  'page_content',
] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];
export const INTEGRATION_TYPES = ['openai', 'runware'] as const;

export const CREDIT_TRANSACTION_TYPES = [
  'grant',
  'purchase',
  'subscription',
  'reservation',
  'capture',
  'release',
  'refund',
  'adjustment',
] as const;

export const AI_TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const PUBLISH_DESTINATIONS = ['wordpress', 'igny8'] as const;
export type PublishDestination = (typeof PUBLISH_DESTINATIONS)[number];
export const PUBLISH_STATUSES = ['pending', 'publishing', 'published', 'failed'] as const;
export const DEPLOYMENT_STATUSES = ['pending', 'deploying', 'deployed', 'failed', 'rolled_back'] as const;
export const BLUEPRINT_STATUSES = ['draft', 'generating', 'ready', 'deployed'] as const;
export const HOSTING_TYPES = ['igny8_sites', 'wordpress', 'shopify', 'multi'] as const;
export const PAGE_TYPES = ['home', 'about', 'services', 'products', 'blog', 'contact', 'custom'] as const;
export type PageType = (typeof PAGE_TYPES)[number];
export const PAGE_STATUSES = ['draft', 'generating', 'ready', 'published'] as const;
export const BLUEPRINT_CLUSTER_ROLES = ['hub', 'supporting', 'attribute'] as const;
/** What a blueprint builds: decides the default structure and which page types it offers. */
export const BLUEPRINT_TYPES = ['blog', 'company', 'ecommerce'] as const;
export type BlueprintType = (typeof BLUEPRINT_TYPES)[number];
/** Built-in themes of the edge renderer (worker/site-renderer/themes). */
export const SITE_THEMES = ['editorial', 'studio'] as const;
export type SiteTheme = (typeof SITE_THEMES)[number];
/** Typed page blocks (core/validation/site-blocks.ts holds one schema per type). */
export const BLOCK_TYPES = ['hero', 'rich_text', 'post_list', 'faq', 'cta', 'contact'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];
export const SITE_ASSET_KINDS = ['logo', 'image', 'favicon'] as const;
/** full: every file rendered; incremental: one article's pages; rollback: an earlier manifest made live again. */
export const DEPLOYMENT_KINDS = ['full', 'incremental', 'rollback'] as const;
export const TAXONOMY_TYPES = [
  'blog_category',
  'blog_tag',
  'product_category',
  'product_tag',
  'product_attribute',
  'service_category',
] as const;
export type TaxonomyType = (typeof TAXONOMY_TYPES)[number];
/** What an inventory row stands for: our article, a page we built (5/7), a WordPress post pulled by sync (6/7). */
export const SITE_PAGE_KINDS = ['content', 'page', 'wordpress', 'wordpress_term'] as const;
export type SitePageKind = (typeof SITE_PAGE_KINDS)[number];
export const LINK_SUGGESTION_STATUSES = ['pending', 'accepted', 'rejected', 'stale'] as const;
export const AUTOMATION_TRIGGERS = ['schedule', 'event', 'manual'] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];
/** Domain events a rule can start on (worker/events): keywords imported into the site, an article approved. */
export const AUTOMATION_EVENTS = ['keywords.imported', 'content.approved'] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];
export const AUTOMATION_RULE_STATUSES = ['active', 'paused', 'error'] as const;
/** How a run started: the cron schedule, a domain event, or "Run now". */
export const RUN_SOURCES = ['schedule', 'event', 'manual'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];
export const SCHEDULED_TASK_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
/** The seven stages of the pipeline, in order (the original IGNY8's automation stages). */
export const AUTOMATION_STAGES = [
  'clustering',
  'ideas',
  'tasks',
  'content',
  'image_prompts',
  'images',
  'publish',
] as const;
export type AutomationStage = (typeof AUTOMATION_STAGES)[number];
/**
 * queued: dispatched, its coordinator has not started it; paused: the running step finished and nothing
 * new starts until resumed; awaiting_review: the review gate holds the articles until approved.
 */
export const AUTOMATION_RUN_STATUSES = [
  'queued',
  'running',
  'paused',
  'awaiting_review',
  'completed',
  'failed',
  'cancelled',
] as const;
export type AutomationRunStatus = (typeof AUTOMATION_RUN_STATUSES)[number];
export const AUTOMATION_STAGE_STATUSES = ['pending', 'running', 'completed', 'skipped', 'failed', 'cancelled'] as const;
export type AutomationStageStatus = (typeof AUTOMATION_STAGE_STATUSES)[number];
/** What a run does with its articles: leave drafts, hold them for review (default), or publish them. */
export const PUBLISH_MODES = ['draft', 'review', 'auto'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];
/** Which work a run takes first: highest volume, lowest difficulty, or the ideas/tasks of the biggest clusters. */
export const PICK_ORDERS = ['volume', 'difficulty', 'priority'] as const;
export type PickOrder = (typeof PICK_ORDERS)[number];
export const INTEGRATION_PLATFORMS = ['wordpress', 'shopify', 'custom'] as const;
export type IntegrationPlatform = (typeof INTEGRATION_PLATFORMS)[number];
export const SYNC_STATUSES = ['pending', 'running', 'success', 'failed'] as const;
/** The last health check's verdict: healthy (all checks pass), degraded (works, something missing), down. */
export const HEALTH_STATUSES = ['unknown', 'healthy', 'degraded', 'down'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];
/** What an integration's history records. */
export const INTEGRATION_EVENT_KINDS = ['test', 'health', 'sync', 'webhook', 'push', 'pull'] as const;
export type IntegrationEventKind = (typeof INTEGRATION_EVENT_KINDS)[number];
export const INTEGRATION_EVENT_STATUSES = ['ok', 'failed', 'refused', 'running'] as const;
/** A WordPress post we published and someone edited there since: open until pulled or dismissed. */
export const DRIFT_STATUSES = ['open', 'pulled', 'dismissed'] as const;

// ---------------------------------------------------------------- system, admin and billing extras (7/7)

/** Where a prompt version came from: saved in the editor, restored from an older version, or reset to default. */
export const PROMPT_VERSION_SOURCES = ['edit', 'restore', 'reset'] as const;
export type PromptVersionSource = (typeof PROMPT_VERSION_SOURCES)[number];
/** One AI provider call: what the AI call log records (worker/system/ai-call-log.ts). */
export const AI_CALL_STATUSES = ['ok', 'error'] as const;
export type AiCallStatus = (typeof AI_CALL_STATUSES)[number];
/** What the call log names a call that is not one of the job functions (a prompt's "try it", the image test). */
export const AI_CALL_PURPOSES = [...AI_FUNCTIONS, 'prompt_test', 'image_test', 'connection_test'] as const;
export type AiCallPurpose = (typeof AI_CALL_PURPOSES)[number];
/** A budget alert's window: the calendar day or month in the account's time (UTC). */
export const BUDGET_PERIODS = ['day', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export const ACCOUNT_EXPORT_STATUSES = ['queued', 'running', 'ready', 'failed', 'expired'] as const;
export type AccountExportStatus = (typeof ACCOUNT_EXPORT_STATUSES)[number];
/**
 * Moving an account to another shard, step by step (worker/admin/move): copy every tenant table with ids
 * remapped, verify counts and checksums, switch the directory, then delete the old rows. Each step is
 * resumable: a failed move restarts at the step it failed in.
 */
export const ACCOUNT_MOVE_STATUSES = [
  'pending',
  'copying',
  'verifying',
  'switching',
  'cleaning',
  'done',
  'failed',
] as const;
export type AccountMoveStatus = (typeof ACCOUNT_MOVE_STATUSES)[number];
/** Who asked for a password reset link: the user (forgot password) or an owner/admin for them. */
export const PASSWORD_RESET_ORIGINS = ['self', 'admin'] as const;
export type PasswordResetOrigin = (typeof PASSWORD_RESET_ORIGINS)[number];
