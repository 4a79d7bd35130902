import type { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { AppEnv } from '../env';
import { isIdParam } from './validate';

type Parameter = { name: string; in: string; schema?: Record<string, unknown> };
type Operation = { summary?: string; tags?: string[]; parameters?: Parameter[]; responses?: Record<string, unknown> };
type PathItem = Record<string, Operation>;

const ENVELOPE_ERROR = {
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

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
});

const STANDARD_RESPONSES = {
  Success: {
    description: 'Success envelope `{success:true, data, request_id}` (lists: `count, next, previous, results`).',
  },
  ValidationError: errorResponse('Validation error'),
  NotAuthenticated: errorResponse('Not authenticated'),
  Forbidden: errorResponse('Not allowed for this role'),
  NotFound: errorResponse('Not found (also for ids of other accounts)'),
};
const ref = (name: keyof typeof STANDARD_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/**
 * What hono-openapi does not know about our API, applied to its output: routes answer with and
 * without a trailing slash (`strict: false`) and the seed's clients use it; path ids are the
 * integers idParam accepts; every operation answers with the envelope.
 */
function finish(op: Operation, method: string, path: string): Operation {
  for (const p of op.parameters ?? []) {
    if (p.in === 'path' && isIdParam(p.name)) p.schema = { type: 'integer', minimum: 1 };
  }
  const own = op.responses ?? {};
  const ownSuccess = own['200'] && Object.keys(own['200']).length > 0 ? own['200'] : undefined;
  return {
    ...op,
    summary: op.summary ?? `${method.toUpperCase()} ${path}`,
    // Untagged routes are grouped by module (/api/v1/<module>/…).
    tags: op.tags?.length ? op.tags : [path.split('/').filter(Boolean)[2] ?? 'api'],
    responses: {
      ...own,
      '200': ownSuccess ?? ref('Success'),
      '400': own['400'] ?? ref('ValidationError'),
      '401': own['401'] ?? ref('NotAuthenticated'),
      '403': own['403'] ?? ref('Forbidden'),
      '404': own['404'] ?? ref('NotFound'),
    },
  };
}

/** Builds the OpenAPI 3.1 document from the routes registered on `app` and their validators. */
export async function buildOpenApiDocument(app: Hono<AppEnv>, serverUrl: string) {
  const generated = await generateSpecs(app, {
    documentation: {
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
        schemas: { ErrorEnvelope: ENVELOPE_ERROR as never },
        responses: STANDARD_RESPONSES as never,
      },
      security: [{ bearer: [] }],
    },
    // Routes without describe()/body()/query() are still part of the API.
    includeEmptyPaths: true,
    // Internal routes (/_bench, /_test) and wildcard middleware are not part of the documented API.
    exclude: [/\/_/, /\*/],
    // finish() gives every operation the envelope 400, not only the validated ones.
    defaultValidationErrorResponse: false,
  });
  const paths: Record<string, PathItem> = {};
  for (const [rawPath, item] of Object.entries(generated.paths as Record<string, PathItem>)) {
    const path = rawPath.replace(/\/?$/, '/');
    for (const [method, op] of Object.entries(item)) {
      if (op) (paths[path] ??= {})[method] = finish(op, method, path);
    }
  }
  return { ...generated, paths };
}
