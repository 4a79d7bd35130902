import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { ApiError, BadRequest, ValidationError, type FieldErrors } from './errors';

/**
 * Request validation that also documents itself: each validator carries its zod schema under
 * ROUTE_SPEC, and worker/http/openapi.ts walks the app's routes to build the OpenAPI document
 * from exactly the schemas that run. One schema per payload, never a second copy for the docs.
 */
export const ROUTE_SPEC = Symbol.for('igny8.route-spec');

export type RouteSpecPart =
  | { kind: 'body'; schema: z.ZodType }
  | { kind: 'query'; schema: z.ZodType }
  | { kind: 'doc'; summary: string; tags: string[]; auth: boolean; description?: string };

type Documented = { [ROUTE_SPEC]?: RouteSpecPart };

function documented<T extends MiddlewareHandler>(handler: T, part: RouteSpecPart): T {
  (handler as T & Documented)[ROUTE_SPEC] = part;
  return handler;
}

export function specOf(handler: unknown): RouteSpecPart | undefined {
  return (handler as Documented | undefined)?.[ROUTE_SPEC];
}

export function zodToFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'non_field_errors';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Parse with a schema or throw the 400 envelope listing every failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodToFieldErrors(result.error));
  return result.data;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Reads a JSON body: 415 for another media type, 400 with the parser's reason for bad JSON. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  // Judge the media type before reading: a non-JSON body is refused unread.
  if (c.req.raw.body !== null && mediaType !== '' && !JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError(415, 'Send the body as JSON with Content-Type: application/json.', 'unsupported_media_type');
  }
  const text = await c.req.text();
  if (text.trim() === '') return {};
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError(415, 'Send the body as JSON with Content-Type: application/json.', 'unsupported_media_type');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`Malformed JSON in request body: ${(err as Error).message}`, 'malformed_json');
  }
}

/** Validates the JSON body; the handler reads it with `c.req.valid('json')`. */
export function body<S extends z.ZodType>(schema: S) {
  const handler: MiddlewareHandler<AppEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> =
    async (c, next) => {
      const raw = await readJson(c);
      c.req.addValidatedData('json', parseOrThrow(schema, raw) as object);
      await next();
    };
  return documented(handler, { kind: 'body', schema });
}

/** Validates the query string (repeated keys arrive as arrays); read with `c.req.valid('query')`. */
export function query<S extends z.ZodType>(schema: S) {
  const handler: MiddlewareHandler<AppEnv, string, { in: { query: z.input<S> }; out: { query: z.output<S> } }> =
    async (c, next) => {
      const raw = Object.fromEntries(
        Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]),
      );
      c.req.addValidatedData('query', parseOrThrow(schema, raw) as object);
      await next();
    };
  return documented(handler, { kind: 'query', schema });
}

/** Documentation for a route: summary and tag in the OpenAPI document; does nothing at runtime. */
export function describe(summary: string, tags: string[], opts: { auth?: boolean; description?: string } = {}) {
  const handler: MiddlewareHandler<AppEnv> = async (_c, next) => next();
  return documented(handler, { kind: 'doc', summary, tags, auth: opts.auth ?? true, description: opts.description });
}

/**
 * The path parameters read with idParam. The OpenAPI document types these, and only these, as
 * integers (a token, a job id or a version key is a string); the type of `name` makes a new one
 * be listed here.
 */
export const ID_PARAMS = ['id', 'siteId', 'contentId'] as const;
export type IdParamName = (typeof ID_PARAMS)[number];
export const isIdParam = (name: string): name is IdParamName => (ID_PARAMS as readonly string[]).includes(name);

/** A positive integer path parameter, or a 404 (an id that cannot exist is simply not found). */
export function idParam(c: Context<AppEnv>, name: IdParamName = 'id'): number {
  const raw = c.req.param(name) ?? '';
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new ApiError(404, 'Resource not found.', 'not_found');
  return n;
}
