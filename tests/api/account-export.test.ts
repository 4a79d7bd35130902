import { env, exports } from 'cloudflare:workers';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../worker/env';
import { buildAccountExport } from '../../worker/exports/job';
import { addMember, call, createSite, ORIGIN, type Session } from '../helpers/api';
import { createSector, expectError, ownersOnOneShard, shardBinding, shardOf } from '../helpers/fixtures';
import { seedKeywords } from '../helpers/planner';

/**
 * Account export (issue 14, item 8): a background job makes a zip of every tenant table (CSV + JSON),
 * the account's image files and a manifest; never another account's rows, never a secret.
 */
const EXPORTS = '/api/v1/auth/account/exports';
const SECRETS = ['SECRET-AI-KEY-0001', 'SECRET-WP-PASSWORD-0002', 'SECRET-WEBHOOK-0003'];

describe('account export', () => {
  let owner: Session;
  let neighbour: Session;
  let imageKey: string;

  beforeAll(async () => {
    const { pair } = await ownersOnOneShard('exp');
    [owner, neighbour] = pair;
    const shard = await shardOf(owner.accountId);
    const site = await createSite(owner, 'Export site');
    const sector = await createSector(owner, site.id, 'Export sector');
    await seedKeywords(owner, { siteId: site.id, sectorId: sector.id }, ['plain words', '=HYPERLINK("x")', 'third']);
    const theirSite = await createSite(neighbour, 'Neighbour site');
    const theirSector = await createSector(neighbour, theirSite.id, 'Neighbour sector');
    await seedKeywords(neighbour, { siteId: theirSite.id, sectorId: theirSector.id }, ['neighbour private keyword']);
    const db = shardBinding(shard);
    await db
      .prepare(
        'INSERT INTO integration_settings (account_id, integration_type, config, api_key_enc, is_active, ' +
          'created_at, updated_at)' +
          " VALUES (?, 'openai', '{}', ?, 1, 0, 0)",
      )
      .bind(owner.accountId, SECRETS[0])
      .run();
    await db
      .prepare(
        'INSERT INTO site_integrations (account_id, site_id, platform, config, credentials_enc, ' +
          'webhook_secret_enc, created_at, updated_at)' +
          " VALUES (?, ?, 'wordpress', '{}', ?, ?, 0, 0)",
      )
      .bind(owner.accountId, site.id, SECRETS[1], SECRETS[2])
      .run();
    imageKey = `accounts/${owner.accountId}/sites/${site.id}/images/1/job-1.png`;
    await env.MEDIA.put(imageKey, new Uint8Array([137, 80, 78, 71, 1, 2, 3]), {
      httpMetadata: { contentType: 'image/png' },
    });
    await db
      .prepare(
        'INSERT INTO images (account_id, site_id, sector_id, image_type, r2_key, status, created_at, updated_at)' +
          " VALUES (?, ?, ?, 'featured', ?, 'generated', 0, 0)",
      )
      .bind(owner.accountId, site.id, sector.id, imageKey)
      .run();
  });

  it('is for the owner: an admin may not export', async () => {
    const admin = await addMember(owner, 'admin');
    expectError(await call('POST', `${EXPORTS}/`, { token: admin.token }), 403);
    expectError(await call('GET', `${EXPORTS}/`, { token: admin.token }), 403);
  });

  it('makes a zip of every table, the image files and a manifest; no secret and no other account in it', async () => {
    const res = await call('POST', `${EXPORTS}/`, { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'queued', download_url: null });
    expectError(await call('POST', `${EXPORTS}/`, { token: owner.token }), 409, 'export_running');
    const id = res.body.data.id as number;
    await buildAccountExport(env as unknown as Env, {
      v: 1,
      type: 'account.export',
      account_id: owner.accountId,
      export_id: id,
    });
    const view = (await call('GET', `${EXPORTS}/${id}/`, { token: owner.token })).body.data;
    expect(view).toMatchObject({ status: 'ready', progress: { step: 'ready' } });
    expect(view.download_url).toBe(`${EXPORTS}/${id}/download/`);
    const list = await call('GET', `${EXPORTS}/`, { token: owner.token });
    expect(list.body.results.map((e: { id: number }) => e.id)).toEqual([id]);

    const worker = (exports as unknown as { default: { fetch(r: Request): Promise<Response> } }).default;
    const download = await worker.fetch(
      new Request(`${ORIGIN}${view.download_url}`, { headers: { authorization: `Bearer ${owner.token}` } }),
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="igny8-export-\d+-[\d-]+\.zip"$/,
    );
    const bytes = new Uint8Array(await download.arrayBuffer());
    const files = unzipSync(bytes);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest.account.id).toBe(owner.accountId);
    expect(manifest.counts.keywords).toBe(3);
    expect(manifest.counts.sites).toBe(1);
    expect(files['tables/keywords.json']).toBeDefined();
    const csv = strFromU8(files['tables/keywords.csv']!);
    expect(csv.split('\r\n')[0]).toContain('keyword');
    // Formula characters are escaped as in the keyword CSV export.
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(
      JSON.parse(strFromU8(files['tables/keywords.json']!))
        .map((k: { keyword: string }) => k.keyword)
        .sort(),
    ).toEqual(['=HYPERLINK("x")', 'plain words', 'third'].sort());
    expect(Array.from(files[`images/${imageKey.split('/').slice(2).join('/')}`]!)).toEqual([137, 80, 78, 71, 1, 2, 3]);
    // Never a secret, never the neighbour's rows (same shard): the raw zip bytes and every inflated file.
    const everything = [strFromU8(bytes, true), ...Object.values(files).map((f) => strFromU8(f, true))].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('neighbour private keyword');
    expect(everything).not.toContain(`"account_id":${neighbour.accountId},`);
    expect(strFromU8(files['tables/integration_settings.csv']!)).not.toContain('api_key_enc');

    // A redelivered message leaves a finished export alone.
    await buildAccountExport(env as unknown as Env, {
      v: 1,
      type: 'account.export',
      account_id: owner.accountId,
      export_id: id,
    });
    expect((await call('GET', `${EXPORTS}/${id}/`, { token: owner.token })).body.data.status).toBe('ready');

    // 410 after expires_at.
    await shardBinding(await shardOf(owner.accountId))
      .prepare('UPDATE account_exports SET expires_at = 1 WHERE account_id = ? AND id = ?')
      .bind(owner.accountId, id)
      .run();
    expect((await call('GET', `${EXPORTS}/${id}/`, { token: owner.token })).body.data.status).toBe('expired');
    expectError(await call('GET', `${EXPORTS}/${id}/download/`, { token: owner.token }), 410, 'export_expired');
  });

  it("answers another account's export as not found", async () => {
    const theirs = await call('POST', `${EXPORTS}/`, { token: neighbour.token });
    expect(theirs.status).toBe(202);
    expectError(await call('GET', `${EXPORTS}/${theirs.body.data.id}/`, { token: owner.token }), 404);
    expectError(await call('GET', `${EXPORTS}/${theirs.body.data.id}/download/`, { token: owner.token }), 404);
  });
});
