import { and, eq, getTableColumns, inArray } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { accountExports, images, siteAssets } from '../../core/schema/shard';
import { accounts } from '../../core/schema/control';
import { tenantTables } from '../../core/schema/tenant-tables';
import { controlDb, shardDb, shardOfAccount, type ShardDb } from '../db/shards';
import type { Env } from '../env';
import { csvLine } from '../planner/csv';
import type { AccountExportMessage } from './messages';

/** How long a ready export can be downloaded. */
export const EXPORT_TTL_MS = 7 * 24 * 3600 * 1000;
const PAGE = 500;
const enc = new TextEncoder();

export const exportKey = (accountId: number, exportId: number) => `exports/${accountId}/${exportId}.zip`;

/** The migrations the export's rows are shaped by (manifest.json), from D1's own migration table. */
async function schemaVersions(db: ShardDb, control: ReturnType<typeof controlDb>) {
  const read = async (d: D1Database) => {
    try {
      const rows = await d.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>();
      return rows.results.map((r) => r.name).pop() ?? null;
    } catch {
      return null;
    }
  };
  return { shard: await read(db.$client), control: await read(control.$client) };
}

/**
 * Builds one account export: for every tenant table (core/schema/tenant-tables.ts) a CSV (header row,
 * formula characters escaped as the keyword export does) and a JSON file of the account's rows (sealed
 * secrets left out), the account's image and asset files under images/ and assets/, and a manifest. Rows
 * are read a page at a time and every file is streamed into fflate's Zip, so the account's data is held
 * once (as the compressed zip) rather than as rows and zip together. Redelivered, a finished export is left
 * as it is; a failed build marks the export failed (the owner asks again).
 */
export async function buildAccountExport(env: Env, event: AccountExportMessage) {
  const shard = await shardOfAccount(env, event.account_id);
  if (!shard) return;
  const db = shardDb(env, shard);
  const row = await db
    .select()
    .from(accountExports)
    .where(and(eq(accountExports.account_id, event.account_id), eq(accountExports.id, event.export_id)))
    .get();
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  const setProgress = (step: string, done: number, total: number, extra: Partial<typeof row> = {}) =>
    db
      .update(accountExports)
      .set({ progress: { step, done, total }, ...extra })
      .where(and(eq(accountExports.account_id, event.account_id), eq(accountExports.id, event.export_id)))
      .run();
  try {
    await setProgress('tables', 0, tenantTables.length, { status: 'running' });
    const { bytes, counts } = await writeZip(env, db, event, (done) =>
      setProgress('tables', done, tenantTables.length),
    );
    const now = Date.now();
    await setProgress('ready', tenantTables.length, tenantTables.length, {
      status: 'ready',
      r2_key: exportKey(event.account_id, event.export_id),
      bytes,
      finished_at: new Date(now),
      expires_at: new Date(now + EXPORT_TTL_MS),
      error: null,
    });
    return counts;
  } catch (err) {
    await setProgress('failed', 0, tenantTables.length, {
      status: 'failed',
      error: (err instanceof Error ? err.message : String(err)).slice(0, 500),
      finished_at: new Date(),
    });
  }
}

async function writeZip(
  env: Env,
  db: ShardDb,
  event: AccountExportMessage,
  onTable: (done: number) => Promise<unknown>,
) {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  let finished!: () => void;
  const ended = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const zip = new Zip((err, data, final) => {
    if (err) failure = err;
    else chunks.push(data);
    if (final || err) finished();
  });
  const file = (name: string, compress = true) => {
    const entry = compress ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    zip.add(entry);
    return entry;
  };
  const counts: Record<string, number> = {};
  const accountId = event.account_id;
  for (const [i, t] of tenantTables.entries()) {
    const secrets = new Set(t.secrets ?? []);
    const csv = file(`tables/${t.name}.csv`);
    const json = file(`tables/${t.name}.json`);
    let columns: string[] | null = null;
    let n = 0;
    json.push(enc.encode('['));
    for (let cursor = 0; ; ) {
      const rows = (
        await db.$client
          .prepare(
            `SELECT rowid AS __rowid, * FROM "${t.name}" WHERE account_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
          )
          .bind(accountId, cursor, PAGE)
          .all<Record<string, unknown>>()
      ).results;
      for (const raw of rows) {
        const rest = { ...raw };
        delete rest.__rowid;
        for (const s of secrets) delete rest[s];
        columns ??= Object.keys(rest);
        if (n === 0) csv.push(enc.encode(`\uFEFF${csvLine(columns)}`));
        csv.push(enc.encode(csvLine(columns.map((c) => rest[c]))));
        json.push(enc.encode(`${n ? ',' : ''}\n${JSON.stringify(rest)}`));
        n++;
      }
      if (rows.length < PAGE) break;
      cursor = rows[rows.length - 1]!.__rowid as number;
    }
    if (n === 0) csv.push(enc.encode(`\uFEFF${csvLine(headerOf(t.table))}`));
    csv.push(new Uint8Array(0), true);
    json.push(enc.encode('\n]\n'), true);
    counts[t.name] = n;
    if (i % 8 === 7) await onTable(i + 1);
  }
  const files = await writeFiles(env, db, accountId, file);
  const control = controlDb(env);
  const account = await control.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, accountId)).get();
  const manifest = {
    format: 1,
    account: { id: accountId, name: account?.name ?? null },
    exported_at: new Date().toISOString(),
    counts,
    files,
    schema_versions: await schemaVersions(db, control),
    secrets_left_out: tenantTables.flatMap((t) => (t.secrets ?? []).map((s) => `${t.name}.${s}`)),
  };
  file('manifest.json').push(enc.encode(JSON.stringify(manifest, null, 2)), true);
  zip.end();
  await ended;
  if (failure) throw failure;
  const blob = new Blob(chunks, { type: 'application/zip' });
  await env.MEDIA.put(exportKey(accountId, event.export_id), blob, {
    httpMetadata: { contentType: 'application/zip' },
  });
  return { bytes: blob.size, counts };
}

const headerOf = (table: SQLiteTable) => Object.values(getTableColumns(table)).map((c) => c.name);

/** The account's image and asset files (their R2 objects), under images/ and assets/ (stored, not deflated). */
async function writeFiles(
  env: Env,
  db: ShardDb,
  accountId: number,
  file: (name: string, compress?: boolean) => ZipDeflate | ZipPassThrough,
) {
  const keys = [
    ...(
      await db
        .select({ key: images.r2_key })
        .from(images)
        .where(and(eq(images.account_id, accountId), inArray(images.status, ['generated'])))
        .all()
    ).map((r) => ['images', r.key] as const),
    ...(
      await db.select({ key: siteAssets.r2_key }).from(siteAssets).where(eq(siteAssets.account_id, accountId)).all()
    ).map((r) => ['assets', r.key] as const),
  ];
  let count = 0;
  for (const [folder, key] of keys) {
    // Only this account's keys: a row can't name another account's file into the zip.
    if (!key?.startsWith(`accounts/${accountId}/`)) continue;
    const object = await env.MEDIA.get(key);
    if (!object) continue;
    const entry = file(`${folder}/${key.slice(`accounts/${accountId}/`.length)}`, false);
    const reader = object.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      entry.push(value);
    }
    entry.push(new Uint8Array(0), true);
    count++;
  }
  return count;
}
