/**
 * One owner per table (issue 10, item 3): the folder whose service is the only code that writes
 * the table. Everyone else asks that service, so a rule about a table (a status change, an id that
 * must be cleared when WordPress moves) lives in one place. Checked by scripts/table-owners.ts.
 *
 * Batches stay whole: D1 has no interactive transactions (DESIGN §7, Credits), so where a foreign
 * write must land in the same batch() as the caller's own statements (money + rows, a cascade), the
 * owner's service exposes a function that RETURNS the statement (a drizzle query or `sql`) and the
 * caller puts it in its one batch. Such functions are named `…Statement(s)`.
 *
 * No imports: `node scripts/table-owners.ts` loads this file as it is.
 */

/** Table name (as in SQL) → owning folder, grouped with why that folder owns the group. */
export const TABLE_OWNER_GROUPS = [
  {
    owner: 'worker/auth',
    why: 'signing up creates the account with its first user, plan and shard; sessions and throttles guard sign-in',
    tables: [
      'accounts',
      'users',
      'subscriptions',
      'shard_directory',
      'refresh_token_families',
      'refresh_tokens',
      'login_throttle',
      'password_resets',
    ],
  },
  {
    owner: 'worker/catalog',
    why: 'global catalogues every account reads; seeded by migrations, changed only by the plans editor (/admin)',
    tables: ['plans', 'industries', 'industry_sectors'],
  },
  {
    owner: 'worker/sites',
    why: 'a site and its settings (WordPress connection included) change through the sites service',
    tables: ['sites'],
  },
  {
    owner: 'worker/site-builder',
    why: 'what a site built on IGNY8 is made of: blueprints, their pages, clusters, taxonomies and uploaded assets',
    tables: [
      'site_blueprints',
      'page_blueprints',
      'site_blueprint_clusters',
      'site_blueprint_taxonomies',
      'site_assets',
    ],
  },
  { owner: 'worker/sectors', why: 'sectors and their plan limits', tables: ['sectors'] },
  {
    owner: 'worker/users',
    why: 'which sites an editor or viewer may see: set on the team screen',
    tables: ['site_user_access'],
  },
  {
    owner: 'worker/planner',
    why: 'keyword research: keywords, their clusters and the ideas drawn from them',
    tables: ['keywords', 'clusters', 'keyword_clusters', 'content_ideas'],
  },
  {
    owner: 'worker/writer',
    why: 'the writing queue and its output: tasks become content with images (html_content: the draft room)',
    tables: ['tasks', 'content', 'images', 'author_profiles', 'strategies'],
  },
  {
    owner: 'worker/inventory',
    why: 'the site content inventory: pages links may point to, and the links each page holds (DESIGN §9)',
    tables: ['site_pages', 'site_links'],
  },
  {
    owner: 'worker/optimizer',
    why: 'content scores and their history (the draft room records through this service)',
    tables: ['content_scores', 'content_score_history'],
  },
  {
    owner: 'worker/linker',
    why: 'suggested internal links and each site’s linking rules',
    tables: ['link_suggestions', 'linker_settings'],
  },
  {
    owner: 'worker/publisher',
    why: 'attempts to put content on a destination and what they left there',
    tables: ['publishing_records', 'deployment_records', 'site_directory'],
  },
  {
    owner: 'worker/billing',
    why: 'every money movement is one ledger batch (DESIGN §7, Credits)',
    tables: ['credit_balances', 'credit_transactions', 'credit_usage_logs', 'budget_alerts'],
  },
  {
    owner: 'worker/system',
    why: 'AI configuration (keys, prompts and their versions), the AI task log and the log of every AI call',
    tables: ['ai_prompts', 'integration_settings', 'ai_task_logs', 'ai_prompt_versions', 'ai_call_logs'],
  },
  {
    owner: 'worker/automation',
    why: 'rules, their starts (ScheduledTask) and the runs the site coordinators drive through the seven stages',
    tables: ['automation_rules', 'scheduled_tasks', 'automation_runs'],
  },
  {
    owner: 'worker/integration',
    why: 'connections to other platforms (WordPress), their health, sync history and drift',
    tables: ['site_integrations', 'integration_events', 'integration_drift'],
  },
  {
    owner: 'worker/admin',
    why: 'the developer console: the audit log of cross-account and admin actions, and account moves between shards',
    tables: ['audit_log', 'account_moves'],
  },
  {
    owner: 'worker/events',
    why: 'the queue consumer keeps dead letters for replay and records when each scheduled duty last ran',
    tables: ['dead_letters', 'system_heartbeats'],
  },
  {
    owner: 'worker/exports',
    why: 'full exports of an account’s data, made in the background',
    tables: ['account_exports'],
  },
  {
    owner: 'durable-objects/site-coordinator',
    why: 'the job queue and the scheduled publishes live in the SQLite storage of the coordinator object, not in D1',
    tables: ['jobs', 'batches', 'meta', 'scheduled_publishes', 'publish_jobs', 'active_runs'],
  },
] as const;

/**
 * Columns owned by another folder than their table's: the draft room projects the Yjs draft into
 * content.html_content (with word_count and draft_revision) and is its only writer, so the row never
 * disagrees with what editors see (DESIGN §7, DraftRoom).
 */
export const COLUMN_OWNERS = [
  {
    table: 'content',
    column: 'html_content',
    owner: 'durable-objects/draft-room',
    why: 'the HTML projection of the draft',
  },
  ...(
    ['title', 'slug', 'meta_title', 'meta_description', 'primary_keyword', 'secondary_keywords', 'tags'] as const
  ).map((column) => ({
    table: 'content',
    column,
    owner: 'durable-objects/draft-room',
    why: 'the projection of the draft’s meta map (DESIGN §9: meta fields live in the draft)',
    /** A new row's first value comes from the writer; the room seeds the draft's map from it. */
    seededOnInsert: true,
  })),
  ...(['site_published_at', 'publish_at', 'publish_destination'] as const).map((column) => ({
    table: 'content',
    column,
    owner: 'worker/publisher',
    why: 'where and when an article goes live is the publisher’s (scheduling, the IGNY8-served site)',
    seededOnInsert: false,
  })),
] as const;

export type OwnedTable = (typeof TABLE_OWNER_GROUPS)[number]['tables'][number];

export const TABLE_OWNERS: ReadonlyMap<string, string> = new Map(
  TABLE_OWNER_GROUPS.flatMap((group) => group.tables.map((table) => [table, group.owner] as const)),
);
