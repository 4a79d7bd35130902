/**
 * The catalogue of tenant tables: every table of core/schema/shard.ts, in an order where a table comes
 * after the tables it points at, with its id column and every column that holds an id of another tenant
 * table (including ids inside JSON columns), the columns that hold R2 keys or HTML that embeds them, and
 * the columns that hold secrets. Two things read it: the account mover (worker/admin/move: copies an
 * account to another shard with new ids, rewriting every id through the map) and the account export
 * (worker/exports: one CSV and one JSON file per table, secrets left out). tenant-tables.spec.ts fails
 * when a shard table is missing here, so a new table can't be forgotten by either.
 */
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { AUTOMATION_STAGES } from '../domain/enums';
import * as S from './shard';

/** The tenant tables' names, in copy order (the catalogue below keeps the same order). */
export const TENANT_TABLE_NAMES = [
  'author_profiles',
  'sites',
  'sectors',
  'site_user_access',
  'clusters',
  'keywords',
  'keyword_clusters',
  'content_ideas',
  'tasks',
  'content',
  'images',
  'ai_prompts',
  'integration_settings',
  'strategies',
  'ai_prompt_versions',
  'ai_call_logs',
  'credit_balances',
  'credit_transactions',
  'credit_usage_logs',
  'ai_task_logs',
  'budget_alerts',
  'account_exports',
  'site_blueprints',
  'site_blueprint_taxonomies',
  'site_assets',
  'page_blueprints',
  'site_blueprint_clusters',
  'deployment_records',
  'publishing_records',
  'automation_rules',
  'scheduled_tasks',
  'automation_runs',
  'site_integrations',
  'integration_events',
  'integration_drift',
  'site_pages',
  'site_links',
  'content_scores',
  'content_score_history',
  'link_suggestions',
  'linker_settings',
] as const;
export type TenantTableName = (typeof TENANT_TABLE_NAMES)[number];

/** Maps an old id of a tenant table to its new id (null: not mapped, e.g. a dangling reference). */
export type Remap = (table: TenantTableName, id: number) => number | null;
type Row = Record<string, unknown>;
/** Which table an id column points at; a function for polymorphic columns (null: not a tenant id). */
export type RefTarget = TenantTableName | ((row: Row) => TenantTableName | null);
/** Rewrites the ids inside one parsed JSON value. */
export type JsonRemap = (value: unknown, remap: Remap) => unknown;

export interface TenantTable {
  name: TenantTableName;
  table: SQLiteTable;
  /**
   * `serial`: an autoincrement integer `id`, given anew on another shard (other accounts own ids there);
   * `text`: a text id unique by construction (kept as is); null: no id column (natural composite key).
   */
  id: 'serial' | 'text' | null;
  /** Integer columns that hold ids of tenant tables. */
  refs: Record<string, RefTarget>;
  /** JSON columns that hold ids of tenant tables. */
  json?: Record<string, JsonRemap>;
  /** Text columns that hold R2 keys (or HTML/JSON that embeds them): rewritten when ids change. */
  keys?: string[];
  /** Columns never exported (sealed secrets). */
  secrets?: string[];
}

/** Keys in JSON documents (blocks, configs, payloads) that name ids of tenant tables. */
const JSON_ID_KEYS: Record<string, TenantTableName> = {
  image_asset_id: 'site_assets',
  logo_asset_id: 'site_assets',
  cluster_id: 'clusters',
  cluster_ids: 'clusters',
  taxonomy_id: 'site_blueprint_taxonomies',
  keyword_id: 'keywords',
  keyword_ids: 'keywords',
  idea_ids: 'content_ideas',
  task_ids: 'tasks',
  content_id: 'content',
  content_ids: 'content',
  image_ids: 'images',
  site_id: 'sites',
  sector_id: 'sectors',
};

const remapId = (table: TenantTableName, v: unknown, remap: Remap) =>
  typeof v === 'number' && Number.isInteger(v) ? (remap(table, v) ?? v) : v;

/** Rewrites every id under a key of JSON_ID_KEYS, at any depth (a number or an array of numbers). */
export const remapJsonIds: JsonRemap = (value, remap) => {
  if (Array.isArray(value)) return value.map((v) => remapJsonIds(v, remap));
  if (!value || typeof value !== 'object') return value;
  const out: Row = {};
  for (const [k, v] of Object.entries(value as Row)) {
    const table = JSON_ID_KEYS[k];
    if (table && Array.isArray(v)) out[k] = v.map((x) => remapId(table, x, remap));
    else if (table) out[k] = remapId(table, v, remap);
    else out[k] = remapJsonIds(v, remap);
  }
  return out;
};

/** What each automation stage takes in and makes (core/automation/run.ts AutomationStageState). */
const STAGE_TABLES: Record<(typeof AUTOMATION_STAGES)[number], [TenantTableName, TenantTableName]> = {
  clustering: ['keywords', 'clusters'],
  ideas: ['clusters', 'content_ideas'],
  tasks: ['content_ideas', 'tasks'],
  content: ['tasks', 'content'],
  image_prompts: ['content', 'images'],
  images: ['images', 'images'],
  publish: ['content', 'content'],
};

const remapStages: JsonRemap = (value, remap) =>
  Array.isArray(value)
    ? value.map((s: Row) => {
        const tables = STAGE_TABLES[s?.stage as keyof typeof STAGE_TABLES];
        if (!tables) return s;
        const ids = (list: unknown, table: TenantTableName) =>
          Array.isArray(list) ? list.map((x) => remapId(table, x, remap)) : list;
        return { ...s, input_ids: ids(s.input_ids, tables[0]), output_ids: ids(s.output_ids, tables[1]) };
      })
    : value;

const USAGE_OBJECTS: Record<string, TenantTableName> = {
  keyword: 'keywords',
  cluster: 'clusters',
  idea: 'content_ideas',
  task: 'tasks',
  content: 'content',
  image: 'images',
  site_blueprint: 'site_blueprints',
  page_blueprint: 'page_blueprints',
};

const site = { site_id: 'sites' } as const;
const sector = { site_id: 'sites', sector_id: 'sectors' } as const;

/** Every tenant table, a table after the ones it points at (except the back references a mover patches). */
export const tenantTables: readonly TenantTable[] = [
  { name: 'author_profiles', table: S.authorProfiles, id: 'serial', refs: {} },
  { name: 'sites', table: S.sites, id: 'serial', refs: { default_author_profile_id: 'author_profiles' } },
  { name: 'sectors', table: S.sectors, id: 'serial', refs: site },
  { name: 'site_user_access', table: S.siteUserAccess, id: 'serial', refs: site },
  { name: 'clusters', table: S.clusters, id: 'serial', refs: sector },
  { name: 'keywords', table: S.keywords, id: 'serial', refs: { ...sector, cluster_id: 'clusters' } },
  {
    name: 'keyword_clusters',
    table: S.keywordClusters,
    id: null,
    refs: { keyword_id: 'keywords', cluster_id: 'clusters' },
  },
  {
    name: 'content_ideas',
    table: S.contentIdeas,
    id: 'serial',
    refs: { ...sector, cluster_id: 'clusters', author_profile_id: 'author_profiles' },
  },
  {
    name: 'tasks',
    table: S.tasks,
    id: 'serial',
    // content_id points forward (content is copied after tasks): the mover patches it afterwards.
    refs: {
      ...sector,
      cluster_id: 'clusters',
      idea_id: 'content_ideas',
      author_profile_id: 'author_profiles',
      content_id: 'content',
    },
  },
  {
    name: 'content',
    table: S.content,
    id: 'serial',
    refs: { ...sector, task_id: 'tasks', cluster_id: 'clusters' },
    keys: ['html_content'],
  },
  {
    name: 'images',
    table: S.images,
    id: 'serial',
    refs: { ...sector, task_id: 'tasks', content_id: 'content' },
    keys: ['r2_key'],
  },
  { name: 'ai_prompts', table: S.aiPrompts, id: 'serial', refs: {} },
  {
    name: 'integration_settings',
    table: S.integrationSettings,
    id: 'serial',
    refs: {},
    secrets: ['api_key_enc'],
  },
  { name: 'strategies', table: S.strategies, id: 'serial', refs: { sector_id: 'sectors' } },
  { name: 'ai_prompt_versions', table: S.aiPromptVersions, id: 'serial', refs: {} },
  { name: 'ai_call_logs', table: S.aiCallLogs, id: 'serial', refs: site },
  { name: 'credit_balances', table: S.creditBalances, id: null, refs: {} },
  { name: 'credit_transactions', table: S.creditTransactions, id: 'serial', refs: {} },
  {
    name: 'credit_usage_logs',
    table: S.creditUsageLogs,
    id: 'serial',
    refs: { ...site, related_object_id: (row) => USAGE_OBJECTS[String(row.related_object_type)] ?? null },
  },
  { name: 'ai_task_logs', table: S.aiTaskLogs, id: 'serial', refs: site, json: { payload: remapJsonIds } },
  { name: 'budget_alerts', table: S.budgetAlerts, id: 'serial', refs: {} },
  { name: 'account_exports', table: S.accountExports, id: 'serial', refs: {} },
  {
    name: 'site_blueprints',
    table: S.siteBlueprints,
    id: 'serial',
    refs: site,
    json: { config: remapJsonIds, structure: remapJsonIds },
  },
  {
    name: 'site_blueprint_taxonomies',
    table: S.siteBlueprintTaxonomies,
    id: 'serial',
    refs: { ...site, site_blueprint_id: 'site_blueprints' },
  },
  { name: 'site_assets', table: S.siteAssets, id: 'serial', refs: site, keys: ['r2_key'] },
  {
    name: 'page_blueprints',
    table: S.pageBlueprints,
    id: 'serial',
    // parent_id points at the same table: patched once the table is copied.
    refs: { ...site, site_blueprint_id: 'site_blueprints', parent_id: 'page_blueprints', cluster_id: 'clusters' },
    json: { blocks: remapJsonIds },
  },
  {
    name: 'site_blueprint_clusters',
    table: S.siteBlueprintClusters,
    id: 'serial',
    refs: { ...site, site_blueprint_id: 'site_blueprints', cluster_id: 'clusters' },
  },
  {
    name: 'deployment_records',
    table: S.deploymentRecords,
    id: 'serial',
    refs: { ...site, site_blueprint_id: 'site_blueprints' },
  },
  { name: 'publishing_records', table: S.publishingRecords, id: 'serial', refs: { ...site, content_id: 'content' } },
  { name: 'automation_rules', table: S.automationRules, id: 'serial', refs: sector, json: { config: remapJsonIds } },
  {
    name: 'scheduled_tasks',
    table: S.scheduledTasks,
    id: 'serial',
    refs: { ...site, automation_rule_id: 'automation_rules' },
  },
  {
    name: 'automation_runs',
    table: S.automationRuns,
    id: 'text',
    refs: { ...site, rule_id: 'automation_rules', scheduled_task_id: 'scheduled_tasks' },
    json: { stages: remapStages, config: remapJsonIds, trigger_payload: remapJsonIds },
  },
  {
    name: 'site_integrations',
    table: S.siteIntegrations,
    id: 'serial',
    refs: site,
    secrets: ['credentials_enc', 'webhook_secret_enc'],
  },
  {
    name: 'integration_events',
    table: S.integrationEvents,
    id: 'serial',
    refs: { ...site, integration_id: 'site_integrations' },
  },
  {
    name: 'integration_drift',
    table: S.integrationDrift,
    id: 'serial',
    refs: { ...site, integration_id: 'site_integrations', content_id: 'content' },
  },
  {
    name: 'site_pages',
    table: S.sitePages,
    id: 'serial',
    refs: {
      ...site,
      cluster_id: 'clusters',
      ref_id: (row) => (row.kind === 'content' ? 'content' : row.kind === 'page' ? 'page_blueprints' : null),
    },
  },
  {
    name: 'site_links',
    table: S.siteLinks,
    id: 'serial',
    refs: { ...site, source_page_id: 'site_pages', target_page_id: 'site_pages' },
  },
  { name: 'content_scores', table: S.contentScores, id: null, refs: { ...site, content_id: 'content' } },
  {
    name: 'content_score_history',
    table: S.contentScoreHistory,
    id: 'serial',
    refs: { ...site, content_id: 'content' },
  },
  {
    name: 'link_suggestions',
    table: S.linkSuggestions,
    id: 'serial',
    refs: { ...site, content_id: 'content', target_page_id: 'site_pages' },
  },
  { name: 'linker_settings', table: S.linkerSettings, id: null, refs: site },
];

export function tenantTable(name: TenantTableName): TenantTable {
  return tenantTables.find((t) => t.name === name)!;
}

/** The table an id column of `row` points at (null: not a tenant id in this row). */
export function refTarget(target: RefTarget, row: Row): TenantTableName | null {
  return typeof target === 'function' ? target(row) : target;
}
