import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describeRoute, uniqueSymbol, validator } from 'hono-openapi';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { ApiError, BadRequest, ValidationError, type FieldErrors } from './errors';

/**
 * Request validation that also documents itself, through hono-openapi: its `validator` runs the
 * schema (Standard Schema, so zod 4 as is) and carries it for the document; `describeRoute` carries
 * summary, tags and security. worker/http/openapi.ts builds the document from exactly the schemas
 * that run — one schema per payload, never a second copy for the docs.
 */

/** A validation issue as zod and Standard Schema report it (a path segment may be `{ key }`). */
type Issue = { readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> };

export function issuesToFieldErrors(issues: ReadonlyArray<Issue>): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment));
    (out[path.length ? path.join('.') : 'non_field_errors'] ??= []).push(issue.message);
  }
  return out;
}

export const zodToFieldErrors = (error: z.ZodError): FieldErrors => issuesToFieldErrors(error.issues);

/** Parse with a schema or throw the 400 envelope listing every failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodToFieldErrors(result.error));
  return result.data;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const NOT_JSON = 'Send the body as JSON with Content-Type: application/json.';

/** The text of a JSON body, unparsed: 415 for another media type ('' for no body). */
async function jsonBodyText(c: Context<AppEnv>): Promise<string> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  // Judge the media type before reading: a non-JSON body is refused unread.
  if (c.req.raw.body !== null && mediaType !== '' && !JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError(415, NOT_JSON, 'unsupported_media_type');
  }
  const text = await c.req.text();
  if (text.trim() !== '' && !JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError(415, NOT_JSON, 'unsupported_media_type');
  }
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`Malformed JSON in request body: ${(err as Error).message}`, 'malformed_json');
  }
}

/** Reads a JSON body: 415 for another media type, 400 with the parser's reason for bad JSON. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await jsonBodyText(c);
  return text.trim() === '' ? {} : parseJson(text);
}

/** hono-openapi's hook: a failed validation becomes our 400 envelope instead of its own body. */
function rejectInvalid(result: { success: true } | { success: false; error: ReadonlyArray<Issue> }) {
  if (!result.success) throw new ValidationError(issuesToFieldErrors(result.error));
}

/** Gives `handler` the document entry of hono-openapi's middleware (the sanctioned custom-middleware use). */
function documentedAs<H extends MiddlewareHandler<AppEnv, string, any>>(
  source: MiddlewareHandler<any, any, any>,
  handler: H,
): H {
  return Object.assign(handler, { [uniqueSymbol]: (source as unknown as Record<symbol, unknown>)[uniqueSymbol] });
}

/** Validates the JSON body; the handler reads it with `c.req.valid('json')`. */
export function body<S extends z.ZodType>(schema: S) {
  const validate: MiddlewareHandler<AppEnv> = validator<S, 'json', AppEnv, string>('json', schema, rejectInvalid);
  const handler: MiddlewareHandler<AppEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> = async (
    c,
    next,
  ) => {
    // Hono's json validator reads a non-JSON type as `{}` and bad JSON as a 400 without the
    // parser's reason: the media type is judged here first (415), and a parse failure is
    // re-explained below. The text stays cached, so the body is parsed once, by the validator.
    const text = await jsonBodyText(c);
    // An empty body reads as `{}`, so the missing fields are named.
    if (text.trim() === '') c.req.bodyCache.text = Promise.resolve('{}') as unknown as string;
    let valid = false;
    try {
      return await validate(c, async () => {
        valid = true;
        await next();
      });
    } catch (err) {
      if (!valid && err instanceof HTTPException && err.status === 400) parseJson(text);
      throw err;
    }
  };
  return documentedAs(validate, handler);
}

/** Validates the query string (repeated keys arrive as arrays); read with `c.req.valid('query')`. */
export function query<S extends z.ZodType>(schema: S) {
  const validate: MiddlewareHandler<AppEnv> = validator<S, 'query', AppEnv, string>('query', schema, rejectInvalid);
  const handler: MiddlewareHandler<AppEnv, string, { in: { query: z.input<S> }; out: { query: z.output<S> } }> = (
    c,
    next,
  ) => validate(c, next);
  return documentedAs(validate, handler);
}

/** Documentation for a route: summary and tag in the OpenAPI document; does nothing at runtime. */
export function describe(summary: string, tags: string[], opts: { auth?: boolean; description?: string } = {}) {
  return describeRoute({
    summary,
    tags,
    ...(opts.description ? { description: opts.description } : {}),
    // An empty requirement list overrides the document's bearer default: a public route.
    ...(opts.auth === false ? { security: [] } : {}),
  });
}

/**
 * The path parameters read with idParam. The OpenAPI document types these, and only these, as
 * integers (a token, a job id or a version key is a string); the type of `name` makes a new one
 * be listed here.
 */
export const ID_PARAMS = ['id', 'siteId', 'contentId', 'linkId', 'taxId'] as const;
export type IdParamName = (typeof ID_PARAMS)[number];
export const isIdParam = (name: string): name is IdParamName => (ID_PARAMS as readonly string[]).includes(name);

/** A positive integer path parameter, or a 404 (an id that cannot exist is simply not found). */
export function idParam(c: Context<AppEnv>, name: IdParamName = 'id'): number {
  const raw = c.req.param(name) ?? '';
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new ApiError(404, 'Resource not found.', 'not_found');
  return n;
}
