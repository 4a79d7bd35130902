import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, call, createSite, signup, uniqueEmail, type Session } from '../helpers/api';
import { createSector, expectError } from '../helpers/fixtures';

/**
 * Whatever a client sends, the answer is the error envelope {success:false, error, code,
 * request_id} with a 4xx that says what was wrong, never a 5xx.
 */
const V = '/api/v1/auth';
let owner: Session;
let siteId: number;
let sectorId: number;

beforeAll(async () => {
  owner = await signup('badinput');
  siteId = (await createSite(owner, 'Bad Input Site')).id;
  sectorId = (await createSector(owner, siteId, 'Bad Input Sector')).id;
});

/** Representative write routes; `auth` says whether they need the owner's token. */
const writeRoutes = (): { method: string; path: string; auth: boolean }[] => [
  { method: 'POST', path: `${V}/register/`, auth: false },
  { method: 'POST', path: `${V}/login/`, auth: false },
  { method: 'POST', path: `${V}/token/refresh/`, auth: false },
  { method: 'POST', path: `${V}/password/change/`, auth: true },
  { method: 'POST', path: `${V}/sites/`, auth: true },
  { method: 'PATCH', path: `${V}/sites/${siteId}/`, auth: true },
  { method: 'POST', path: `${V}/sectors/`, auth: true },
  { method: 'POST', path: `${V}/sectors/from_templates/`, auth: true },
  { method: 'PATCH', path: `${V}/sectors/${sectorId}/`, auth: true },
  { method: 'POST', path: `${V}/users/`, auth: true },
  { method: 'PATCH', path: `${V}/users/${owner.userId}/`, auth: true },
  { method: 'POST', path: `${V}/site-access/`, auth: true },
  { method: 'PATCH', path: `${V}/account/`, auth: true },
];
const send = (r: { method: string; path: string; auth: boolean }, rawBody: string, contentType = 'application/json') =>
  call(r.method, r.path, {
    token: r.auth ? owner.token : undefined,
    rawBody,
    headers: { 'content-type': contentType },
  });

describe('bodies that are not JSON', () => {
  it('malformed JSON → 400 malformed_json on every write route', async () => {
    for (const r of writeRoutes()) {
      for (const raw of ['{"name": ', "{'name': 'x'}", '{"name": "x",}', 'undefined']) {
        const res = await send(r, raw);
        expectError(res, 400, 'malformed_json');
      }
    }
  });

  it('a body with another Content-Type → 415 unsupported_media_type', async () => {
    for (const r of writeRoutes()) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        expectError(await send(r, '{"name":"x"}', type), 415, 'unsupported_media_type');
      }
    }
    // …while JSON with parameters or a +json media type is JSON.
    const ok = await send(
      { method: 'PATCH', path: `${V}/sites/${siteId}/`, auth: true },
      '{"description":"ok"}',
      'application/json; charset=utf-8',
    );
    expect(ok.status).toBe(200);
  });

  it('a body over 1 MiB → 413 envelope, with Content-Length or streamed', async () => {
    const big = JSON.stringify({ name: 'x', description: 'y'.repeat(1024 * 1024) });
    for (const r of writeRoutes()) expectError(await send(r, big), 413, 'payload_too_large');
    // Without a Content-Length the limit still holds (the body is counted as it streams in).
    const stream = new Blob([big]).stream();
    const res = await (exports as any).default.fetch(
      new Request(`${ORIGIN}${V}/sites/`, {
        method: 'POST',
        body: stream,
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      }),
    );
    expectError({ status: res.status, body: await res.json(), headers: res.headers }, 413, 'payload_too_large');
  });

  it('authentication is checked before the body: a bad body without a token is 401', async () => {
    const res = await call('POST', `${V}/sites/`, { rawBody: '{bad', headers: { 'content-type': 'application/json' } });
    expectError(res, 401, 'not_authenticated');
  });
});

describe('wrong types and missing fields → 400 validation_error naming each field', () => {
  const cases: [string, string, (() => string) | string, unknown, string[]][] = [
    ['register, empty', 'POST', `${V}/register/`, {}, ['email', 'password', 'name', 'account_name']],
    [
      'register, wrong types',
      'POST',
      `${V}/register/`,
      { email: 'nope', password: 1234567890, name: '', account_name: ['x'] },
      ['email', 'password', 'name', 'account_name'],
    ],
    [
      'register, weak password',
      'POST',
      `${V}/register/`,
      { email: uniqueEmail('weak'), password: 'short', name: 'N', account_name: 'Acme' },
      ['password'],
    ],
    ['login, empty', 'POST', `${V}/login/`, {}, ['email', 'password']],
    ['refresh, a number', 'POST', `${V}/token/refresh/`, { refresh: 12 }, ['refresh']],
    ['password change, empty', 'POST', `${V}/password/change/`, {}, ['current_password', 'new_password']],
    ['site, empty', 'POST', `${V}/sites/`, {}, ['name']],
    [
      'site, wrong types',
      'POST',
      `${V}/sites/`,
      { name: 42, domain: 'https://example.com/path', status: 'weird', industry_id: 'abc' },
      ['name', 'domain', 'status', 'industry_id'],
    ],
    [
      'site patch, wrong types',
      'PATCH',
      () => `${V}/sites/${siteId}/`,
      { name: '', hosting_type: 'ftp' },
      ['name', 'hosting_type'],
    ],
    ['site patch, nothing to change', 'PATCH', () => `${V}/sites/${siteId}/`, {}, ['non_field_errors']],
    ['sector, wrong types', 'POST', `${V}/sectors/`, { site_id: 'x', status: 'on' }, ['site_id', 'status']],
    ['sector, neither name nor template', 'POST', () => `${V}/sectors/`, { site_id: 1 }, ['name']],
    [
      'from_templates, empty list',
      'POST',
      `${V}/sectors/from_templates/`,
      { site_id: 1, industry_sector_ids: [] },
      ['industry_sector_ids'],
    ],
    ['from_templates, missing', 'POST', `${V}/sectors/from_templates/`, {}, ['site_id', 'industry_sector_ids']],
    [
      'sector patch, wrong types',
      'PATCH',
      () => `${V}/sectors/${sectorId}/`,
      { status: 'maybe', name: 7 },
      ['status', 'name'],
    ],
    [
      'invite, wrong types',
      'POST',
      `${V}/users/`,
      { email: 'bad', role: 'owner', site_ids: 'all' },
      ['email', 'role', 'site_ids'],
    ],
    [
      'user patch, roles that cannot be given',
      'PATCH',
      () => `${V}/users/${owner.userId}/`,
      { role: 'developer', status: 'invited' },
      ['role', 'status'],
    ],
    ['site grant, missing', 'POST', `${V}/site-access/`, { user_id: 'me' }, ['user_id', 'site_id']],
    ['account, wrong type', 'PATCH', `${V}/account/`, { name: 1 }, ['name']],
    ['a JSON array instead of an object', 'POST', `${V}/sites/`, [], ['non_field_errors']],
    ['JSON null', 'POST', `${V}/sites/`, null, ['non_field_errors']],
  ];

  it.each(cases)('%s', async (_name, method, path, body, fields) => {
    const res = await call(method, typeof path === 'function' ? path() : path, {
      token: owner.token,
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 400, 'validation_error');
    for (const field of fields) expect(Object.keys(res.body.errors), JSON.stringify(res.body.errors)).toContain(field);
    for (const messages of Object.values(res.body.errors))
      expect(messages).toEqual(expect.arrayContaining([expect.any(String)]));
  });
});

describe('routes and ids that do not exist', () => {
  it('an unknown route → 404 route_not_found envelope', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v1/no-such-module/things/'],
      ['POST', `${V}/sites/${siteId}/unknown_action/`],
      ['DELETE', `${V}/account/`],
      ['PUT', `${V}/sites/${siteId}/`],
      ['GET', '/api'],
    ] as const) {
      expectError(await call(method, path, { token: owner.token }), 404, 'route_not_found');
    }
  });

  it('ids that are not positive whole numbers, or are too large → 404 on every id route', async () => {
    const bad = ['abc', '-1', '0', '1.5', '1e3', '0x10', '99999999999999999999', '9007199254740993', '%20'];
    const routes: [string, string, unknown?][] = [
      ['GET', 'sites'],
      ['PATCH', 'sites', { description: 'x' }],
      ['DELETE', 'sites'],
      ['GET', 'sectors'],
      ['PATCH', 'sectors', { description: 'x' }],
      ['DELETE', 'sectors'],
      ['GET', 'users'],
      ['PATCH', 'users', { name: 'x' }],
      ['DELETE', 'users'],
      ['DELETE', 'site-access'],
    ];
    for (const [method, resource, body] of routes) {
      for (const id of bad) {
        const res = await call(method, `${V}/${resource}/${id}/`, { token: owner.token, body });
        expectError(res, 404);
        expect(['not_found', 'route_not_found']).toContain(res.body.code);
      }
    }
    expectError(await call('POST', `${V}/users/abc/invite_link/`, { token: owner.token }), 404, 'not_found');
    expectError(await call('GET', `${V}/invite/short/`), 404, 'not_found');
  });
});

describe('query parameters out of range → 400 naming the field', () => {
  it.each([
    ['page=0', 'page'],
    ['page=-3', 'page'],
    ['page=abc', 'page'],
    ['page_size=0', 'page_size'],
    ['page_size=1000', 'page_size'],
    ['ordering=unknown', 'ordering'],
    ['ordering=-password_hash', 'ordering'],
    ['search=' + 'x'.repeat(201), 'search'],
  ])('%s', async (qs, field) => {
    for (const list of ['sites', 'sectors', 'users', 'site-access']) {
      const res = await call('GET', `${V}/${list}/?${qs}`, { token: owner.token });
      expectError(res, 400, 'validation_error');
      expect(Object.keys(res.body.errors), `${list}: ${JSON.stringify(res.body.errors)}`).toContain(field);
    }
  });

  it.each([
    ['sites', 'status=weird', 'status'],
    ['sites', 'industry_id=-1', 'industry_id'],
    ['sectors', 'site_id=abc', 'site_id'],
    ['sectors', 'status=maybe', 'status'],
    ['users', 'role=god', 'role'],
    ['site-access', 'user_id=0', 'user_id'],
  ])('%s?%s', async (list, qs, field) => {
    const res = await call('GET', `${V}/${list}/?${qs}`, { token: owner.token });
    expectError(res, 400, 'validation_error');
    expect(Object.keys(res.body.errors)).toContain(field);
  });
});
