import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, call, createSite, signup, type Res, type Session } from '../helpers/api';
import { createSector, expectError } from '../helpers/fixtures';
import { socketTicket } from '../helpers/socket';
import { connectDraft } from '../helpers/yjs-socket';

/**
 * The writer and publisher routes, fed what a broken or hostile client sends: malformed JSON,
 * other media types, wrong types, unknown fields on strict bodies, ids that are not positive whole
 * numbers, oversized strings. The answer is always the error envelope with a 4xx and the code that
 * says what was wrong, never a 5xx; fields a client may not set (account, site, status) are ignored.
 */
const W = '/api/v1/writer';
const PUB = '/api/v1/publisher';
let owner: Session;
let stranger: Session;
let siteId: number;
let sectorId: number;
let taskId: number;
let contentId: number;

beforeAll(async () => {
  owner = await signup('wbadinput');
  stranger = await signup('wbadinput-stranger');
  siteId = (await createSite(owner, 'Writer Bad Input Site')).id;
  sectorId = (await createSector(owner, siteId, 'Writer Bad Input Sector')).id;
  const task = await call('POST', `${W}/tasks/`, {
    token: owner.token,
    body: { site_id: siteId, sector_id: sectorId, title: 'A task' },
  });
  expect(task.status).toBe(201);
  taskId = task.body.data.id;
  const content = await call('POST', `${W}/content/`, {
    token: owner.token,
    body: { site_id: siteId, sector_id: sectorId, title: 'A draft' },
  });
  expect(content.status).toBe(201);
  contentId = content.body.data.id;
});

/** Every writer and publisher route that reads a JSON body. */
const bodyRoutes = (): [string, string][] => [
  ['POST', `${W}/tasks/`],
  ['PATCH', `${W}/tasks/${taskId}/`],
  ['POST', `${W}/tasks/bulk_delete/`],
  ['POST', `${W}/tasks/bulk_create_from_ideas/`],
  ['POST', `${W}/tasks/auto_generate_content/`],
  ['POST', `${W}/content/`],
  ['PATCH', `${W}/content/${contentId}/`],
  ['POST', `${W}/content/${contentId}/status/`],
  ['POST', `${W}/content/${contentId}/versions/`],
  ['POST', `${W}/images/generate_prompts/`],
  ['POST', `${W}/images/generate/`],
  ['PUT', `${PUB}/sites/${siteId}/wordpress/`],
  ['POST', `${PUB}/sites/${siteId}/wordpress/test/`],
  ['POST', `${PUB}/content/${contentId}/publish/`],
];
const send = (method: string, path: string, rawBody: string, contentType = 'application/json') =>
  call(method, path, { token: owner.token, rawBody, headers: { 'content-type': contentType } });

describe('bodies that are not JSON', () => {
  it('malformed JSON → 400 malformed_json on every body route', async () => {
    for (const [method, path] of bodyRoutes()) {
      for (const raw of ['{"ids": ', "{'title': 'x'}", '{"title": "x",}', 'undefined', '{"ids": [1, 2}']) {
        expectError(await send(method, path, raw), 400, 'malformed_json');
      }
    }
  });

  it('a body with another Content-Type → 415 unsupported_media_type', async () => {
    for (const [method, path] of bodyRoutes()) {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'text/csv',
      ]) {
        expectError(await send(method, path, '{"title":"x"}', type), 415, 'unsupported_media_type');
      }
    }
  });

  it('a body over 1 MiB → 413 payload_too_large', async () => {
    const big = JSON.stringify({ title: 'x', description: 'y'.repeat(1024 * 1024) });
    for (const [method, path] of bodyRoutes()) expectError(await send(method, path, big), 413, 'payload_too_large');
  });

  it('a JSON array, a string or null where an object is expected → 400 validation_error', async () => {
    for (const [method, path] of bodyRoutes()) {
      for (const raw of ['[]', '"ids"', 'null', '42']) {
        const res = await send(method, path, raw);
        expectError(res, 400, 'validation_error');
        expect(Object.keys(res.body.errors), `${method} ${path} ${raw}`).toContain('non_field_errors');
      }
    }
  });

  it('without a token, a bad body is 401 (authentication comes first)', async () => {
    for (const [method, path] of bodyRoutes()) {
      expectError(
        await call(method, path, { rawBody: '{bad', headers: { 'content-type': 'application/json' } }),
        401,
        'not_authenticated',
      );
    }
  });
});

describe('wrong types, missing fields and oversized strings → 400 validation_error naming each field', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: [string, string, () => string, unknown, string[]][] = [
    // tasks
    ['task, empty', 'POST', () => `${W}/tasks/`, {}, ['site_id', 'sector_id', 'title']],
    [
      'task, wrong types',
      'POST',
      () => `${W}/tasks/`,
      {
        site_id: 'x',
        sector_id: -1,
        title: 5,
        word_count_target: 50,
        content_type: 'novel',
        content_structure: 7,
        target_keywords: 'compost',
        cluster_id: 0,
      },
      [
        'site_id',
        'sector_id',
        'title',
        'word_count_target',
        'content_type',
        'content_structure',
        'target_keywords',
        'cluster_id',
      ],
    ],
    [
      'task, ids out of range',
      'POST',
      () => `${W}/tasks/`,
      // biome-ignore lint/correctness/noPrecisionLoss: an id past Number.MAX_SAFE_INTEGER is the case under test
      { site_id: 1.5, sector_id: 9007199254740993, title: 'x', author_profile_id: -3 },
      ['site_id', 'sector_id', 'author_profile_id'],
    ],
    [
      'task, oversized strings',
      'POST',
      () => `${W}/tasks/`,
      {
        site_id: siteId,
        sector_id: sectorId,
        title: long(201),
        description: long(2001),
        prompt_override: long(20_001),
        target_keywords: [long(301)],
      },
      ['title', 'description', 'prompt_override', 'target_keywords.0'],
    ],
    [
      'task, blank title and too many keywords',
      'POST',
      () => `${W}/tasks/`,
      {
        site_id: siteId,
        sector_id: sectorId,
        title: '   ',
        target_keywords: Array.from({ length: 51 }, (_, i) => `k${i}`),
      },
      ['title', 'target_keywords'],
    ],
    ['task patch, nothing to change', 'PATCH', () => `${W}/tasks/${taskId}/`, {}, ['non_field_errors']],
    [
      'task patch, wrong types',
      'PATCH',
      () => `${W}/tasks/${taskId}/`,
      { status: 'bogus', word_count_target: 'many', title: '' },
      ['status', 'word_count_target', 'title'],
    ],
    ['tasks bulk_delete, empty', 'POST', () => `${W}/tasks/bulk_delete/`, { ids: [] }, ['ids']],
    [
      'tasks bulk_delete, not ids',
      'POST',
      () => `${W}/tasks/bulk_delete/`,
      { ids: ['abc', 0, -1, 1.5] },
      ['ids.0', 'ids.1', 'ids.2', 'ids.3'],
    ],
    ['tasks bulk_delete, missing', 'POST', () => `${W}/tasks/bulk_delete/`, {}, ['ids']],
    ['bulk_create_from_ideas, a string', 'POST', () => `${W}/tasks/bulk_create_from_ideas/`, { ids: 'all' }, ['ids']],
    [
      'auto_generate_content, too many',
      'POST',
      () => `${W}/tasks/auto_generate_content/`,
      { ids: Array.from({ length: 501 }, (_, i) => i + 1) },
      ['ids'],
    ],
    ['auto_generate_content, an object', 'POST', () => `${W}/tasks/auto_generate_content/`, { ids: { 0: 1 } }, ['ids']],
    // content
    ['content, empty', 'POST', () => `${W}/content/`, {}, ['site_id', 'sector_id', 'title']],
    [
      'content, wrong types and oversized',
      'POST',
      () => `${W}/content/`,
      { site_id: 'one', sector_id: 0, title: long(256) },
      ['site_id', 'sector_id', 'title'],
    ],
    ['content patch, nothing to change', 'PATCH', () => `${W}/content/${contentId}/`, {}, ['non_field_errors']],
    [
      'content patch, wrong types',
      'PATCH',
      () => `${W}/content/${contentId}/`,
      { title: '', tags: 'a,b', categories: [1] },
      ['title', 'tags', 'categories.0'],
    ],
    [
      'content patch, oversized',
      'PATCH',
      () => `${W}/content/${contentId}/`,
      {
        meta_title: long(201),
        meta_description: long(501),
        excerpt: long(2001),
        primary_keyword: long(301),
        tags: Array.from({ length: 31 }, (_, i) => `t${i}`),
        categories: [long(101)],
      },
      ['meta_title', 'meta_description', 'excerpt', 'primary_keyword', 'tags', 'categories.0'],
    ],
    [
      'content status, not a workflow status',
      'POST',
      () => `${W}/content/${contentId}/status/`,
      { status: 'published' },
      ['status'],
    ],
    ['content status, missing', 'POST', () => `${W}/content/${contentId}/status/`, {}, ['status']],
    ['version, empty name', 'POST', () => `${W}/content/${contentId}/versions/`, { name: '  ' }, ['name']],
    ['version, oversized name', 'POST', () => `${W}/content/${contentId}/versions/`, { name: long(121) }, ['name']],
    ['version, wrong type', 'POST', () => `${W}/content/${contentId}/versions/`, { name: 12 }, ['name']],
    // images
    ['generate_prompts, not ids', 'POST', () => `${W}/images/generate_prompts/`, { ids: [null] }, ['ids.0']],
    ['generate, missing', 'POST', () => `${W}/images/generate/`, { image_ids: [1] }, ['ids']],
    // publisher
    ['wordpress, nothing to change', 'PUT', () => `${PUB}/sites/${siteId}/wordpress/`, {}, ['non_field_errors']],
    [
      'wordpress, not an address',
      'PUT',
      () => `${PUB}/sites/${siteId}/wordpress/`,
      { wp_url: 'not a url', wp_username: '', wp_app_password: 42 },
      ['wp_url', 'wp_username', 'wp_app_password'],
    ],
    [
      'wordpress, another scheme',
      'PUT',
      () => `${PUB}/sites/${siteId}/wordpress/`,
      { wp_url: 'ftp://example.com' },
      ['wp_url'],
    ],
    [
      'wordpress, oversized',
      'PUT',
      () => `${PUB}/sites/${siteId}/wordpress/`,
      { wp_url: `https://example.com/${long(500)}`, wp_username: long(121), wp_app_password: long(201) },
      ['wp_url', 'wp_username', 'wp_app_password'],
    ],
    [
      'wordpress test, wrong types',
      'POST',
      () => `${PUB}/sites/${siteId}/wordpress/test/`,
      { wp_url: 7, wp_username: ['x'] },
      ['wp_url', 'wp_username'],
    ],
    [
      'publish, unknown status',
      'POST',
      () => `${PUB}/content/${contentId}/publish/`,
      { status: 'private' },
      ['status'],
    ],
  ];

  it.each(cases)('%s', async (_name, method, path, body, fields) => {
    const res = await call(method, path(), {
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

describe('unknown fields', () => {
  it.each([
    [
      'PUT wordpress',
      'PUT',
      () => `${PUB}/sites/${siteId}/wordpress/`,
      { wp_username: 'admin', wp_password: 'hunter2' },
      'wp_password',
    ],
    [
      'POST wordpress test',
      'POST',
      () => `${PUB}/sites/${siteId}/wordpress/test/`,
      { url: 'https://example.com' },
      'url',
    ],
    ['POST publish', 'POST', () => `${PUB}/content/${contentId}/publish/`, { status: 'draft', force: true }, 'force'],
    ['POST publish, a site of choice', 'POST', () => `${PUB}/content/${contentId}/publish/`, { site_id: 1 }, 'site_id'],
  ] as const)(
    'on a strict body (%s) → 400 validation_error naming the field',
    async (_name, method, path, body, field) => {
      const res = await call(method, path(), { token: owner.token, body });
      expectError(res, 400, 'validation_error');
      expect(JSON.stringify(res.body.errors)).toContain(field);
    },
  );

  it('elsewhere, fields a client may not set (account, site, status, html) are ignored, never written', async () => {
    const task = await call('PATCH', `${W}/tasks/${taskId}/`, {
      token: owner.token,
      body: { description: 'patched', account_id: stranger.accountId, site_id: 987_654_321, content_id: 5, id: 9 },
    });
    expect(task.status, JSON.stringify(task.body)).toBe(200);
    expect(task.body.data).toMatchObject({
      id: taskId,
      account_id: owner.accountId,
      site_id: siteId,
      content_id: null,
      description: 'patched',
    });
    const created = await call('POST', `${W}/tasks/`, {
      token: owner.token,
      body: {
        site_id: siteId,
        sector_id: sectorId,
        title: 'Injected',
        account_id: stranger.accountId,
        status: 'completed',
        content_id: 1,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ account_id: owner.accountId, status: 'queued', content_id: null });
    const content = await call('PATCH', `${W}/content/${contentId}/`, {
      token: owner.token,
      body: {
        excerpt: 'patched',
        account_id: stranger.accountId,
        site_id: 987_654_321,
        status: 'published',
        html_content: '<script>x</script>',
        wp_post_id: 1,
      },
    });
    expect(content.status, JSON.stringify(content.body)).toBe(200);
    expect(content.body.data).toMatchObject({
      id: contentId,
      account_id: owner.accountId,
      site_id: siteId,
      status: 'draft',
      html_content: '',
      wp_post_id: null,
      excerpt: 'patched',
    });
    const draft = await call('POST', `${W}/content/`, {
      token: owner.token,
      body: {
        site_id: siteId,
        sector_id: sectorId,
        title: 'Injected',
        account_id: stranger.accountId,
        source: 'ai',
        status: 'published',
      },
    });
    expect(draft.status).toBe(201);
    expect(draft.body.data).toMatchObject({ account_id: owner.accountId, source: 'manual', status: 'draft' });
  });
});

describe('ids that are not positive whole numbers, or are too large → 404', () => {
  const bad = ['abc', '-1', '0', '1.5', '1e3', '0x10', '99999999999999999999', '9007199254740993', '%20'];
  /** [method, path with {id}, a valid body]: the body is valid so only the id can be wrong. */
  const routes = (): [string, string, unknown?][] => [
    ['GET', `${W}/tasks/{id}/`],
    ['PATCH', `${W}/tasks/{id}/`, { description: 'x' }],
    ['DELETE', `${W}/tasks/{id}/`],
    ['GET', `${W}/content/{id}/`],
    ['PATCH', `${W}/content/{id}/`, { excerpt: 'x' }],
    ['POST', `${W}/content/{id}/status/`, { status: 'review' }],
    ['GET', `${W}/content/{id}/draft/`],
    ['GET', `${W}/content/{id}/versions/`],
    ['POST', `${W}/content/{id}/versions/`, { name: 'x' }],
    ['POST', `${W}/content/{id}/versions/20240101T000000000Z-x/restore/`],
    ['GET', `${W}/images/{id}/`],
    ['DELETE', `${W}/images/{id}/`],
    ['POST', `${W}/images/{id}/regenerate/`],
    ['GET', `${PUB}/sites/{id}/wordpress/`],
    ['PUT', `${PUB}/sites/{id}/wordpress/`, { wp_username: 'x' }],
    ['POST', `${PUB}/sites/{id}/wordpress/test/`, {}],
    ['POST', `${PUB}/content/{id}/publish/`, {}],
    ['GET', `${PUB}/records/{id}/`],
  ];

  it('on every writer and publisher id route', async () => {
    const problems: string[] = [];
    for (const [method, path, body] of routes()) {
      for (const id of bad) {
        const res = await call(method, path.replace('{id}', id), { token: owner.token, body });
        if (
          res.status !== 404 ||
          !['not_found', 'route_not_found'].includes(res.body?.code) ||
          res.body?.success !== false
        )
          problems.push(`${method} ${path} ${id}: ${res.status} ${res.body?.code}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("a version id that is not one of this draft's → 404", async () => {
    for (const version of ['nope', '..%2F..%2F..%2Fx', 'x'.repeat(300), '20240101T000000000Z-x', '%00']) {
      expectError(
        await call('POST', `${W}/content/${contentId}/versions/${version}/restore/`, { token: owner.token }),
        404,
        'not_found',
      );
    }
  });

  it('the draft socket and /media with ids or keys that cannot exist → 404', async () => {
    // A valid ticket (for a real draft) on a socket path whose id can't exist: the id decides, 404.
    const ticket = await socketTicket('draft_socket', contentId, owner.token);
    expect(typeof ticket).toBe('string');
    for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      const res = await connectDraft(id as unknown as number, { ticket: ticket as string });
      expect(res.status, id).toBe(404);
      expect(res.webSocket).toBeFalsy();
      expectError({ status: res.status, body: await res.json(), headers: res.headers }, 404);
    }
    for (const key of [
      '',
      'x',
      'accounts/abc/sites/1/images/a.png',
      `accounts/${owner.accountId}/sites/${siteId}/images/..%2F..%2Fx.png`,
      `accounts/${owner.accountId}/sites/${siteId}/`,
      `accounts/${owner.accountId}/sites/${siteId}/images/${'a'.repeat(400)}.png`,
    ]) {
      const res: Response = await (exports as any).default.fetch(
        new Request(`${ORIGIN}/media/${key}`, { headers: { authorization: `Bearer ${owner.token}` } }),
      );
      const out: Res = { status: res.status, body: await res.json(), headers: res.headers };
      expectError(out, 404);
    }
  });
});

describe('query parameters out of range → 400 naming the field', () => {
  const lists = [`${W}/tasks/`, `${W}/content/`, `${W}/images/`, `${PUB}/records/`];
  it.each([
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['page_size=0', 'page_size'],
    ['page_size=1000', 'page_size'],
    ['ordering=unknown', 'ordering'],
    ['ordering=-account_id', 'ordering'],
    [`search=${'x'.repeat(201)}`, 'search'],
    ['site_id=abc', 'site_id'],
    ['site_id=-1', 'site_id'],
  ])('%s', async (qs, field) => {
    for (const list of lists) {
      const res = await call('GET', `${list}?${qs}`, { token: owner.token });
      expectError(res, 400, 'validation_error');
      expect(Object.keys(res.body.errors), `${list}: ${JSON.stringify(res.body.errors)}`).toContain(field);
    }
  });

  it.each([
    [`${W}/tasks/`, 'status=weird', 'status'],
    [`${W}/tasks/`, 'cluster_id=0', 'cluster_id'],
    [`${W}/tasks/`, 'sector_id=1.5', 'sector_id'],
    [`${W}/content/`, 'status=lost', 'status'],
    [`${W}/content/`, 'source=robot', 'source'],
    [`${W}/images/`, 'status=drawn', 'status'],
    [`${W}/images/`, 'content_id=0', 'content_id'],
    [`${PUB}/records/`, 'status=maybe', 'status'],
    [`${PUB}/records/`, 'destination=ftp', 'destination'],
    [`${PUB}/records/`, 'content_id=x', 'content_id'],
  ])('%s?%s', async (list, qs, field) => {
    const res = await call('GET', `${list}?${qs}`, { token: owner.token });
    expectError(res, 400, 'validation_error');
    expect(Object.keys(res.body.errors)).toContain(field);
  });
});
