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
export const CONTENT_STATUSES = ['draft', 'review', 'published'] as const;
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
export const PUBLISH_DESTINATIONS = ['wordpress', 'igny8_sites'] as const;
export const PUBLISH_STATUSES = ['pending', 'publishing', 'published', 'failed'] as const;
export const DEPLOYMENT_STATUSES = ['pending', 'deploying', 'deployed', 'failed', 'rolled_back'] as const;
export const BLUEPRINT_STATUSES = ['draft', 'generating', 'ready', 'deployed'] as const;
export const HOSTING_TYPES = ['igny8_sites', 'wordpress', 'shopify', 'multi'] as const;
export const PAGE_TYPES = ['home', 'about', 'services', 'products', 'blog', 'contact', 'custom'] as const;
export const PAGE_STATUSES = ['draft', 'generating', 'ready', 'published'] as const;
export const BLUEPRINT_CLUSTER_ROLES = ['hub', 'supporting', 'attribute'] as const;
export const TAXONOMY_TYPES = [
  'blog_category',
  'blog_tag',
  'product_category',
  'product_tag',
  'product_attribute',
  'service_category',
] as const;
/** What an inventory row stands for: our article, a page we built (5/7), a WordPress post pulled by sync (6/7). */
export const SITE_PAGE_KINDS = ['content', 'page', 'wordpress'] as const;
export const LINK_SUGGESTION_STATUSES = ['pending', 'accepted', 'rejected', 'stale'] as const;
export const AUTOMATION_TRIGGERS = ['schedule', 'event', 'manual'] as const;
export const AUTOMATION_RULE_STATUSES = ['active', 'paused', 'error'] as const;
export const SCHEDULED_TASK_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export const INTEGRATION_PLATFORMS = ['wordpress', 'shopify', 'custom'] as const;
export const SYNC_STATUSES = ['pending', 'success', 'failed'] as const;
