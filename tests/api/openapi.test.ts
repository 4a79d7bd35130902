import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api';

/** The OpenAPI document is built from the live routes and their validators: it must match them. */
type Operation = {
  operationId: string;
  responses: Record<string, unknown>;
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: {
    content: {
      'application/json': { schema: { type?: string; required?: string[]; properties: Record<string, any> } };
    };
  };
  security?: unknown[];
};
let doc: {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: any;
};
const V = '/api/v1/auth';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op })),
  );
const op = (method: string, path: string) => {
  const found = doc.paths[path]?.[method];
  if (!found)
    throw new Error(
      `${method.toUpperCase()} ${path} is not documented; documented: ${Object.keys(doc.paths).join(', ')}`,
    );
  return found;
};

beforeAll(async () => {
  const res = await call('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  doc = res.body;
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with info, bearer security and paths', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations()) {
      expect(path, `${method} ${path}`).toMatch(/^\/api\//);
      expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(
          op.parameters?.some((p) => p.in === 'path' && p.name === name && p.required),
          `${method} ${path} declares {${name}}`,
        ).toBe(true);
      }
    }
  });

  it('documents the auth, sites, sectors, users and site-access routes', () => {
    const expected: [string, string][] = [
      ['post', `${V}/register/`],
      ['post', `${V}/login/`],
      ['post', `${V}/token/refresh/`],
      ['post', `${V}/logout/`],
      ['post', `${V}/password/change/`],
      ['get', `${V}/me/`],
      ['post', `${V}/invite/{token}/accept/`],
      ['get', `${V}/sites/`],
      ['post', `${V}/sites/`],
      ['get', `${V}/sites/{id}/`],
      ['patch', `${V}/sites/{id}/`],
      ['delete', `${V}/sites/{id}/`],
      ['get', `${V}/sectors/`],
      ['post', `${V}/sectors/`],
      ['post', `${V}/sectors/from_templates/`],
      ['get', `${V}/sectors/{id}/`],
      ['patch', `${V}/sectors/{id}/`],
      ['delete', `${V}/sectors/{id}/`],
      ['get', `${V}/users/`],
      ['post', `${V}/users/`],
      ['get', `${V}/users/{id}/`],
      ['patch', `${V}/users/{id}/`],
      ['delete', `${V}/users/{id}/`],
      ['post', `${V}/users/{id}/invite_link/`],
      ['get', `${V}/site-access/`],
      ['post', `${V}/site-access/`],
      ['delete', `${V}/site-access/{id}/`],
      ['get', `${V}/account/`],
      ['patch', `${V}/account/`],
      ['get', `${V}/industries/`],
    ];
    for (const [method, path] of expected) expect(() => op(method, path)).not.toThrow();
  });

  it('the register body requires email, password, name and account_name', () => {
    const schema = op('post', `${V}/register/`).requestBody!.content['application/json'].schema;
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['email', 'password', 'name', 'account_name']));
    expect(schema.required).not.toContain('delivery');
    expect(schema.properties.delivery.enum).toEqual(expect.arrayContaining(['cookie', 'body']));
    expect(schema.properties.password.minLength).toBe(10);
    expect(op('post', `${V}/register/`).security).toEqual([]);
    expect(op('get', `${V}/me/`).security).toBeUndefined();
  });

  it('types path parameters as they are read: ids as integers, tokens and job ids as strings', () => {
    const pathParam = (method: string, path: string, name: string) =>
      op(method, path).parameters!.find((p) => p.in === 'path' && p.name === name)!.schema;
    expect(pathParam('post', `${V}/invite/{token}/accept/`, 'token')).toEqual({ type: 'string' });
    expect(pathParam('get', `${V}/invite/{token}/`, 'token')).toEqual({ type: 'string' });
    expect(pathParam('get', '/api/v1/system/settings/task_progress/{taskId}/', 'taskId')).toEqual({ type: 'string' });
    expect(pathParam('post', '/api/v1/system/jobs/{jobId}/cancel/', 'jobId')).toEqual({ type: 'string' });
    expect(pathParam('get', `${V}/sites/{id}/`, 'id')).toEqual({ type: 'integer', minimum: 1 });
    expect(pathParam('post', '/api/v1/publisher/content/{contentId}/publish/', 'contentId')).toEqual({
      type: 'integer',
      minimum: 1,
    });
  });

  it('list routes document their query parameters with limits', () => {
    const params = op('get', `${V}/sites/`).parameters!;
    const byName = Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['page', 'page_size', 'search', 'ordering', 'status']));
    expect(byName.page_size).toMatchObject({ maximum: 200 });
    expect(byName.status!.enum).toEqual(expect.arrayContaining(['active', 'inactive']));
  });

  it('every documented operation is a real route', async () => {
    const missing: string[] = [];
    for (const { path, method } of operations()) {
      const concrete = path.replace('{token}', 'x'.repeat(24)).replace(/\{\w+\}/g, '1');
      const res = await call(method.toUpperCase(), concrete);
      if (res.status === 404 && res.body?.code === 'route_not_found') missing.push(`${method} ${path}`);
      if (res.status >= 500) missing.push(`${method} ${path} answered ${res.status}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('GET /api/docs', () => {
  it('serves Swagger UI from our own assets pointed at /api/openapi.json, under a CSP', async () => {
    const res = await call('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.body).toContain('/api/openapi.json');
    expect(res.body).toMatch(/<script src="\/vendor\/swagger-ui\/[\w.-]+\.js"><\/script>/);
    expect(res.body).not.toMatch(/<script>(?!<\/script>)/);
    expect(res.body).not.toMatch(/https?:\/\/(?!localhost)/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
  });
});
