import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { SelectedFields, SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { sites } from '../../core/schema/shard';
import type { Context } from 'hono';
import type { ZodType } from 'zod';
import type { Permission } from '../../core/access';
import { MAX_SELECTION, type Selection } from '../../core/validation/selection';
import { forIdsWithinParamLimit, runBatch, type Statement } from '../db/batch';
import type { Tenant } from '../db/tenant';
import type { AppEnv } from '../env';
import { BadRequest, Conflict, Forbidden, NotFound, ValidationError } from './errors';
import { zodToFieldErrors } from './validate';
import { orderingOf, pageOf } from './list';
import {
  type DeleteRoute,
  type ListQuery,
  type ResourceOps,
  type RouteOptions,
  type Row,
  type StandardRoutes,
  standardRoutes,
} from './resource-routes';
import { requireSite, requireSiteOf, siteScope, type AccessMode } from './site-access';

/** The columns every tenant-scoped table has: its id, its account and the site it belongs to. */
export type ScopedTable = SQLiteTable & { id: SQLiteColumn; account_id: SQLiteColumn; site_id: SQLiteColumn };
/** The sites table is scoped by its own id. */
export type SiteTable = SQLiteTable & { id: SQLiteColumn; account_id: SQLiteColumn; deleted_at: SQLiteColumn };

type Ctx = Context<AppEnv>;

/** A selection's filter read with the list's schema; its errors are named `filter.<field>`. */
function filterOf<Q>(schema: ZodType<Q>, filter: unknown): Q {
  const parsed = schema.safeParse({
    ...(filter as object),
    page: undefined,
    page_size: undefined,
    ordering: undefined,
  });
  if (parsed.success) return parsed.data;
  const errors = zodToFieldErrors(parsed.error);
  throw new ValidationError(Object.fromEntries(Object.entries(errors).map(([k, v]) => [`filter.${k}`, v])));
}

/** 409: the filter's rows are not the ones the user saw; `errors.count` carries how many match now. */
export const selectionChanged = (plural: string, count: number) =>
  new Conflict(
    `The selection changed: ${count.toLocaleString('en-US')} ${plural} match now. Check and try again.`,
    'selection_changed',
    { count: [String(count)] },
  );

export interface ResourceSpec<R extends Row, Q extends ListQuery, V = R> {
  /** The table: a site-scoped table, or the sites table itself (`scope: 'site'`). */
  table: ScopedTable | SiteTable;
  /** `'site-rows'`: rows of a live site the user may see (?site_id=, ?sector_id=); `'site'`: the sites. */
  scope: 'site-rows' | 'site';
  /** Singular noun for 404s and route summaries ("Keyword"); `plural` for summaries ("keywords"). */
  noun: string;
  plural: string;
  tags: string[];
  /** Beyond data:write (which viewers lack): sites and sectors need sites:manage to change. */
  writePermission?: Permission;
  /** `?ordering=` allow-list and the default (the id is always the tiebreak). */
  orderable: Record<string, SQLiteColumn>;
  defaultOrdering: string;
  /** The resource's own list filters from the validated query, search included. */
  filters?: (q: Q, tenant: Tenant) => (SQL | undefined)[];
  /** What a row looks like in a response (sites hide their password; images get a URL). */
  present?: (row: R) => V;
  /** Loads one row of the account by id (the default selects every column). */
  load?: (tenant: Tenant, id: number) => Promise<R | undefined>;
  /**
   * Every statement that deletes `ids` (dependants first): one D1 batch. Default: a plain DELETE.
   * Each statement must stay under D1's 100 bound parameters: the ids come in parts that fit.
   */
  deleteStatements?: (tenant: Tenant, ids: number[], rows: R[]) => Statement[];
  /** Work outside D1 before rows go (a draft's image nodes); a failure leaves every row in place. */
  beforeDelete?: (c: Ctx, tenant: Tenant, rows: R[]) => Promise<void>;
  /** After a write (the site ids touched): tell the site's clients, clean files up. */
  afterWrite?: (c: Ctx, tenant: Tenant, siteIds: number[], rows: R[], change: 'update' | 'delete') => void;
  /** Bulk selections span one site (the convention of keywords, ideas, tasks: AI jobs run per site). */
  oneSitePerSelection?: boolean;
  /** The list's query schema: a bulk action's `filter` is read with it (same fields, same defaults). */
  listQuery?: ZodType<Q>;
}

/**
 * One tenant-scoped resource: its list (filters, search, ordering, pagination in the seed's
 * envelope), get, patch, delete and bulk delete. Access is the same everywhere: rows of another
 * account or of a site the user can't see are 404 (existence is never revealed by a 403); a
 * viewer never writes (403 after the 404 check); sites and sectors need `writePermission`.
 */
export function scopedResource<R extends Row, Q extends ListQuery, V = R>(spec: ResourceSpec<R, Q, V>) {
  const table = spec.table;
  const siteColumn = spec.scope === 'site' ? table.id : (table as ScopedTable).site_id;
  const present = spec.present ?? ((row: R) => row as unknown as V);

  const load =
    spec.load ??
    ((tenant: Tenant, id: number) =>
      tenant.db
        .select()
        .from(table as SQLiteTable)
        .where(and(eq(table.account_id, tenant.account.id), eq(table.id, id)))
        .get() as Promise<R | undefined>);

  type Scoped = Q & { site_id?: number | undefined; sector_id?: number | undefined };

  /** The scope of a list: the account, the sites the user can see (live ones), ?site_id=, ?sector_id=. */
  async function scopeOf(tenant: Tenant, q: Scoped) {
    const a = tenant.account.id;
    // With ?site_id= the site's own checks are constants, and written so: as `site_id IN (…)` SQLite
    // walks the site through the IN and sorts all its rows for every page (EXPLAIN QUERY PLAN: USE TEMP
    // B-TREE FOR ORDER BY) instead of reading one page off the index of the ordering.
    const one = q.site_id && spec.scope === 'site-rows' ? q.site_id : undefined;
    const visible = one ? await tenant.accessibleSiteIds() : undefined;
    const live =
      spec.scope === 'site'
        ? sql`${(table as SiteTable).deleted_at} IS NULL`
        : one
          ? sql`EXISTS (SELECT 1 FROM sites WHERE id = ${one} AND account_id = ${a} AND deleted_at IS NULL)`
          : sql`${siteColumn} IN (SELECT id FROM sites WHERE account_id = ${a} AND deleted_at IS NULL)`;
    const sector = 'sector_id' in table ? (table.sector_id as SQLiteColumn) : undefined;
    return and(
      eq(table.account_id, a),
      one ? (visible === 'all' || visible?.includes(one) ? undefined : sql`0`) : await siteScope(tenant, siteColumn),
      live,
      q.site_id && spec.scope === 'site-rows' ? eq(siteColumn, q.site_id) : undefined,
      q.sector_id && sector ? eq(sector, q.sector_id) : undefined,
      ...(spec.filters?.(q, tenant) ?? []),
    );
  }

  /** The list's WHERE for other readers of the same rows (an export): a ?site_id= the user can't see is a 404. */
  async function where(tenant: Tenant, q: Scoped) {
    if (q.site_id) await requireSite(tenant, q.site_id, 'read');
    return scopeOf(tenant, q);
  }

  /**
   * One page and the count. The ?site_id= check rides in the page's own D1 round trip: the scope
   * already keeps rows of unseen, deleted or foreign sites out, and such a site is still a 404,
   * decided once the batch is back (one round trip instead of two on the hottest read).
   */
  async function list(c: Ctx, q: Scoped, options: { columns?: SelectedFields; extra?: SQL } = {}) {
    const tenant = c.get('tenant');
    const order = orderingOf(q.ordering, spec.orderable, spec.defaultOrdering, table.id);
    const siteCheck = q.site_id
      ? tenant.db
          .select({ id: sites.id })
          .from(sites)
          .where(and(eq(sites.account_id, tenant.account.id), eq(sites.id, q.site_id), isNull(sites.deleted_at)))
      : undefined;
    const scope = and(await scopeOf(tenant, q), options.extra);
    const { rows, count, alongside } = await pageOf(tenant.db, table, scope, order, q, {
      columns: options.columns,
      alongside: siteCheck,
    });
    if (q.site_id) {
      const visible = await tenant.accessibleSiteIds();
      if (!(alongside as unknown[]).length || (visible !== 'all' && !visible.includes(q.site_id)))
        throw new NotFound('Site');
    }
    return { rows: rows as unknown as R[], count };
  }

  const assertWrite = (tenant: Tenant) => {
    if (spec.writePermission && !tenant.can(spec.writePermission)) {
      throw new Forbidden(`Your role (${tenant.user.role}) cannot do this (needs ${spec.writePermission}).`);
    }
  };

  /** One row the user may see (404 otherwise); `write` checks the role after the 404. */
  async function require(tenant: Tenant, id: number, mode: AccessMode): Promise<R> {
    const row = await load(tenant, id);
    if (!row) throw new NotFound(spec.noun);
    const siteId = spec.scope === 'site' ? row.id : row.site_id;
    await requireSiteOf(tenant, siteId, spec.writePermission ? 'read' : mode, spec.noun);
    if (mode === 'write') assertWrite(tenant);
    return row;
  }

  /**
   * A bulk selection: every id must be a row of this account on a site the user can see, else
   * 404 naming nothing (the convention of keywords' bulk_delete since the seed); duplicates count once.
   */
  async function selection(tenant: Tenant, ids: number[], mode: AccessMode) {
    const unique = [...new Set(ids)];
    const rows: R[] = [];
    // In parts under D1's 100 bound parameters (the account id is one more).
    for (let at = 0; at < unique.length; at += 90) {
      const partIds = unique.slice(at, at + 90);
      rows.push(
        ...((await tenant.db
          .select()
          .from(table as SQLiteTable)
          .where(and(eq(table.account_id, tenant.account.id), inArray(table.id, partIds)))
          .all()) as unknown as R[]),
      );
    }
    if (rows.length !== unique.length) throw new NotFound(spec.noun);
    return checked(tenant, rows, mode);
  }

  /** The sites of selected rows: one site when the resource says so, each visible, writable for `write`. */
  async function checked(tenant: Tenant, rows: R[], mode: AccessMode) {
    const siteIds = [...new Set(rows.map((r) => (spec.scope === 'site' ? r.id : r.site_id)))];
    if (spec.oneSitePerSelection && siteIds.length > 1) {
      throw new BadRequest(`Select ${spec.plural} of one site at a time.`, 'mixed_sites');
    }
    for (const siteId of siteIds) await requireSiteOf(tenant, siteId, spec.writePermission ? 'read' : mode, spec.noun);
    if (mode === 'write') assertWrite(tenant);
    return { siteIds, rows };
  }

  /**
   * A bulk action's rows, by ids or by the list's filter (core/validation/selection.ts). A filter is
   * resolved with the list's own WHERE (scopeOf: tenant, visible live sites, the query's filters), so
   * the action reaches exactly the rows the list shows: never another account's, never a site the
   * user can't see. `expected_count` that no longer matches is a 409 carrying the count now.
   */
  async function resolve(tenant: Tenant, picked: Selection<unknown>, mode: AccessMode) {
    if (picked.ids) return selection(tenant, picked.ids, mode);
    if (!spec.listQuery) throw new BadRequest(`Select ${spec.plural} by id here.`, 'filter_unsupported');
    const q = filterOf(spec.listQuery, picked.filter) as Scoped;
    const rows = (await tenant.db
      .select()
      .from(table as SQLiteTable)
      .where(await where(tenant, q))
      .orderBy(table.id)
      .limit(MAX_SELECTION + 1)
      .all()) as unknown as R[];
    if (picked.expected_count !== undefined && rows.length !== picked.expected_count) {
      throw selectionChanged(spec.plural, rows.length);
    }
    if (rows.length > MAX_SELECTION) {
      throw new BadRequest(
        `More than ${MAX_SELECTION.toLocaleString('en-US')} ${spec.plural} match: narrow the filter.`,
        'selection_too_large',
      );
    }
    if (!rows.length) throw new BadRequest(`No ${spec.plural} match this filter.`, 'empty_selection');
    return checked(tenant, rows, mode);
  }

  const deleteStatements =
    spec.deleteStatements ??
    ((tenant: Tenant, ids: number[]) =>
      forIdsWithinParamLimit(ids, (part) =>
        tenant.db
          .delete(table as SQLiteTable)
          .where(and(eq(table.account_id, tenant.account.id), inArray(table.id, part))),
      ));

  /** Deletes rows already checked by require/selection: ONE D1 batch (all or nothing). */
  async function remove(c: Ctx, tenant: Tenant, rows: R[], siteIds: number[]) {
    await spec.beforeDelete?.(c, tenant, rows);
    await runBatch(
      tenant.db,
      deleteStatements(
        tenant,
        rows.map((r) => r.id),
        rows,
      ),
    );
    spec.afterWrite?.(c, tenant, siteIds, rows, 'delete');
  }

  const ops: ResourceOps<R, Q, V> = {
    plural: spec.plural,
    noun: spec.noun,
    tags: spec.tags,
    siteIdOf: (row) => (spec.scope === 'site' ? row.id : row.site_id),
    list,
    require,
    selection,
    resolve,
    remove,
    afterWrite: spec.afterWrite,
    present,
  };

  /** The standard routes this resource has (worker/http/resource-routes.ts), typed for the API's client. */
  function routes<
    L extends ZodType<Q> = never,
    B extends ZodType = never,
    G extends boolean = false,
    D extends boolean = false,
    X extends DeleteRoute | undefined = undefined,
  >(options: RouteOptions<R, L, B, G, D, X>): StandardRoutes<R, Q, V, L, B, G, D, X> {
    return standardRoutes(ops, options);
  }

  return { where, list, require, selection, resolve, remove, routes, present };
}
