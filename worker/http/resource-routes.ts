import { type Context, Hono } from 'hono';
import type { ToSchema } from 'hono/types';
import type { ApiPage, ApiSuccess } from '../../core/api/envelope';
import type { ZodType, z } from 'zod';
import { anySelectionBody, type Selection } from '../../core/validation/selection';
import type { Tenant } from '../db/tenant';
import type { AppEnv } from '../env';
import { type Json, ok, page } from './respond';
import type { AccessMode } from './site-access';
import { body, describe, idParam, query } from './validate';

/**
 * The standard routes of a scoped resource (list, bulk delete, get, patch, delete), each its own
 * chained Hono app so its request and response types reach the API's type: Hono's RPC types
 * accumulate only through chained calls. They live at module level so the declaration emit
 * (tsconfig.api-types.json) can name them; inside scopedResource() it overflowed the stack.
 */

export type Row = { id: number; site_id: number };
export type ListQuery = { page: number; page_size: number; ordering?: string | undefined; search?: string | undefined };
type Ctx = Context<AppEnv>;

/** What the routes need of a scopedResource(). */
export interface ResourceOps<R extends Row, Q extends ListQuery, V> {
  plural: string;
  noun: string;
  tags: string[];
  siteIdOf: (row: R) => number;
  list: (c: Ctx, q: Q) => Promise<{ rows: R[]; count: number }>;
  require: (tenant: Tenant, id: number, mode: AccessMode) => Promise<R>;
  selection: (tenant: Tenant, ids: number[], mode: AccessMode) => Promise<{ siteIds: number[]; rows: R[] }>;
  resolve: (tenant: Tenant, picked: Selection<unknown>, mode: AccessMode) => Promise<{ siteIds: number[]; rows: R[] }>;
  remove: (c: Ctx, tenant: Tenant, rows: R[], siteIds: number[]) => Promise<void>;
  afterWrite: ((c: Ctx, tenant: Tenant, siteIds: number[], rows: R[], change: 'update' | 'delete') => void) | undefined;
  present: (row: R) => V;
}

export interface PatchRoute<R extends Row, B extends ZodType> {
  body: B;
  summary: string;
  apply: (c: Ctx, tenant: Tenant, row: R, input: z.output<B>) => Promise<unknown>;
}

/** A resource's delete route: its summary and the success message. */
export interface DeleteRoute {
  summary: string;
  message?: string;
}

/**
 * One route's type, spelled with Hono's own ToSchema: inferred, these types are too long for the
 * declaration emit (TS7056).
 */
type Route<M extends string, P extends string, In, Out> = Hono<AppEnv, ToSchema<M, P, { in: In; out: In }, Out>, '/'>;

/** A route that validates nothing (its only input is the path). */
type NoInput = Record<never, never>;

export const listRoute = <R extends Row, Q extends ListQuery, V, L extends ZodType<Q>>(
  r: ResourceOps<R, Q, V>,
  schema: L,
): Route<'get', '/', { query: z.input<L> }, Json<ApiPage<V>, 200>> =>
  new Hono<AppEnv>().get(
    '/',
    describe(`List ${r.plural} with filters, search and ordering`, r.tags),
    query(schema),
    async (c) => {
      const q = c.req.valid('query') as Q;
      const { rows, count } = await r.list(c, q);
      return page(c, rows.map(r.present), count, q.page, q.page_size);
    },
  );

export const bulkDeleteRoute = <R extends Row, Q extends ListQuery, V>(
  r: ResourceOps<R, Q, V>,
): Route<
  'post',
  '/bulk_delete',
  { json: z.input<typeof anySelectionBody> },
  Json<ApiSuccess<{ deleted: number }>, 200>
> =>
  new Hono<AppEnv>().post(
    '/bulk_delete',
    describe(`Delete many ${r.plural} (one batch: all or none)`, r.tags, {
      description: `By ids, or every ${r.noun.toLowerCase()} the list shows for a filter (with expected_count).`,
    }),
    body(anySelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { siteIds, rows } = await r.resolve(tenant, c.req.valid('json'), 'write');
      await r.remove(c, tenant, rows, siteIds);
      return ok(c, { deleted: rows.length });
    },
  );

export const getRoute = <R extends Row, Q extends ListQuery, V>(
  r: ResourceOps<R, Q, V>,
): Route<'get', '/:id', NoInput, Json<ApiSuccess<V>, 200>> =>
  new Hono<AppEnv>().get('/:id', describe(`One ${r.noun.toLowerCase()}`, r.tags), async (c) => {
    return ok(c, r.present(await r.require(c.get('tenant'), idParam(c), 'read')));
  });

export const patchRoute = <R extends Row, Q extends ListQuery, V, B extends ZodType>(
  r: ResourceOps<R, Q, V>,
  patch: PatchRoute<R, B>,
): Route<'patch', '/:id', { json: z.input<B> }, Json<ApiSuccess<V>, 200>> =>
  new Hono<AppEnv>().patch('/:id', describe(patch.summary, r.tags), body(patch.body), async (c) => {
    const tenant = c.get('tenant');
    const row = await r.require(tenant, idParam(c), 'write');
    const updated = await patch.apply(c, tenant, row, c.req.valid('json') as z.output<B>);
    r.afterWrite?.(c, tenant, [r.siteIdOf(row)], [row], 'update');
    return ok(c, r.present(updated as R));
  });

export const deleteRoute = <R extends Row, Q extends ListQuery, V>(
  r: ResourceOps<R, Q, V>,
  options: DeleteRoute,
): Route<'delete', '/:id', NoInput, Json<ApiSuccess<{ id: number; deleted: true }>, 200>> =>
  new Hono<AppEnv>().delete('/:id', describe(options.summary, r.tags), async (c) => {
    const tenant = c.get('tenant');
    const row = await r.require(tenant, idParam(c), 'write');
    await r.remove(c, tenant, [row], [r.siteIdOf(row)]);
    return ok(c, { id: row.id, deleted: true as const }, 200, options.message);
  });

type SchemaOf<A> = A extends Hono<AppEnv, infer S, '/'> ? S : never;
/** The schema of route `A` when the resource has it (`Has` is true), else nothing. */
type Part<Has, A> = Has extends true ? SchemaOf<A> : Record<never, never>;
type Has<T> = [T] extends [never] ? false : true;

/** Which standard routes a resource has: a list schema, a patch body… (absent: no such route). */
export interface RouteOptions<R extends Row, L, B extends ZodType, G, D, X> {
  list?: L;
  bulkDelete?: D;
  get?: G;
  patch?: PatchRoute<R, B>;
  delete?: X;
}

/** One app with the routes of `RouteOptions`, typed with exactly those routes. */
export type StandardRoutes<
  R extends Row,
  Q extends ListQuery,
  V,
  L extends ZodType<Q>,
  B extends ZodType,
  G extends boolean,
  D extends boolean,
  X extends DeleteRoute | undefined,
> = Hono<
  AppEnv,
  Part<Has<L>, ReturnType<typeof listRoute<R, Q, V, L>>> &
    Part<D, ReturnType<typeof bulkDeleteRoute<R, Q, V>>> &
    Part<G, ReturnType<typeof getRoute<R, Q, V>>> &
    Part<Has<B>, ReturnType<typeof patchRoute<R, Q, V, B>>> &
    Part<X extends DeleteRoute ? true : false, ReturnType<typeof deleteRoute<R, Q, V>>>,
  '/'
>;

/**
 * The standard routes a resource has, in one app to mount with `.route('/', …)` after the
 * resource's own actions (so `/:id` never shadows an action path such as `/bulk_delete`).
 */
export function standardRoutes<
  R extends Row,
  Q extends ListQuery,
  V,
  L extends ZodType<Q>,
  B extends ZodType,
  G extends boolean,
  D extends boolean,
  X extends DeleteRoute | undefined,
>(r: ResourceOps<R, Q, V>, options: RouteOptions<R, L, B, G, D, X>): StandardRoutes<R, Q, V, L, B, G, D, X> {
  const app = new Hono<AppEnv>();
  if (options.list) app.route('/', listRoute(r, options.list));
  if (options.bulkDelete) app.route('/', bulkDeleteRoute(r));
  if (options.get) app.route('/', getRoute(r));
  if (options.patch) app.route('/', patchRoute(r, options.patch));
  if (options.delete) app.route('/', deleteRoute(r, options.delete));
  return app as unknown as StandardRoutes<R, Q, V, L, B, G, D, X>;
}
