import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { isIdParam, specOf, type RouteSpecPart } from './validate';

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const toJsonSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const ENVELOPE_ERROR: JsonSchema = {
  type: 'object',
  required: ['success', 'error', 'code', 'request_id'],
  properties: {
    success: { const: false },
    error: { type: 'string' },
    code: { type: 'string' },
    errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    request_id: { type: 'string' },
  },
};

function queryParameters(schema: z.ZodType) {
  const json = toJsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

function operationFor(method: string, path: string, parts: RouteSpecPart[]): Operation {
  const doc = parts.find((p) => p.kind === 'doc');
  const op: Operation = {
    operationId: `${method}_${path.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
    summary: doc?.kind === 'doc' ? doc.summary : `${method.toUpperCase()} ${path}`,
    tags: doc?.kind === 'doc' ? doc.tags : [path.split('/')[3] ?? 'api'],
    responses: {
      '200': { description: 'Success envelope `{success:true, data, request_id}` (lists: `count, next, previous, results`).' },
      '400': { description: 'Validation error', content: { 'application/json': { schema: ENVELOPE_ERROR } } },
      '401': { description: 'Not authenticated', content: { 'application/json': { schema: ENVELOPE_ERROR } } },
      '403': { description: 'Not allowed for this role', content: { 'application/json': { schema: ENVELOPE_ERROR } } },
      '404': { description: 'Not found (also for ids of other accounts)', content: { 'application/json': { schema: ENVELOPE_ERROR } } },
    },
  };
  if (doc?.kind === 'doc' && doc.description) op.description = doc.description;
  if (doc?.kind === 'doc' && !doc.auth) op.security = [];
  const params: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: isIdParam(m[1]!) ? { type: 'integer', minimum: 1 } : { type: 'string' },
  }));
  for (const part of parts) {
    if (part.kind === 'query') params.push(...queryParameters(part.schema));
    if (part.kind === 'body') {
      op.requestBody = { required: true, content: { 'application/json': { schema: toJsonSchema(part.schema) } } };
    }
  }
  if (params.length) op.parameters = params;
  return op;
}

/** Builds the OpenAPI 3.1 document from the routes registered on `app` and their validators. */
export function buildOpenApiDocument(app: Hono<AppEnv>, serverUrl: string) {
  const grouped = new Map<string, { method: string; path: string; parts: RouteSpecPart[] }>();
  for (const route of app.routes) {
    // Wildcard middleware and internal routes (/_bench) are not part of the documented API.
    if (route.method === 'ALL' || route.path.includes('*') || route.path.includes('/_')) continue;
    const path = route.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}').replace(/\/?$/, '/');
    const key = `${route.method} ${path}`;
    const entry = grouped.get(key) ?? { method: route.method.toLowerCase(), path, parts: [] };
    const part = specOf(route.handler);
    if (part) entry.parts.push(part);
    grouped.set(key, entry);
  }
  const paths: Record<string, Record<string, Operation>> = {};
  for (const { method, path, parts } of grouped.values()) {
    (paths[path] ??= {})[method] = operationFor(method, path, parts);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'IGNY8 Edge API',
      version: '1.0.0',
      description:
        'Every response is an envelope with `success` and `request_id`. Authenticate with ' +
        '`Authorization: Bearer <access token>` from `POST /api/v1/auth/login/`.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
