import { Hono } from 'hono';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { clusters, keywords } from '../../core/schema/shard';
import { id, listQuery } from '../../core/validation/common';
import { keywordListQuery } from '../../core/validation/planner';
import { chunk } from '../../durable-objects/site-coordinator/engine/ai-function';
import { limitOf, planOf } from '../catalog/plan';
import { runBatch } from '../db/batch';
import type { AppEnv } from '../env';
import { ApiError, BadRequest, LimitReached, PayloadTooLarge, ValidationError } from '../http/errors';
import { ok } from '../http/respond';
import { describe, query } from '../http/validate';
import { CsvParser, csvLine, decodeWindows1252, decoderFor, detectDelimiter } from './csv';
import { keywordResource } from './keyword-resource';
import { announceImport, mapHeader, mappingParam, readRow, type ImportRow } from './keyword-import';
import { notifySite } from './notify';
import { requirePlacement } from './scope';

/** Import caps: a file larger than this is refused while it streams in (413), never buffered whole. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;
/** Errors listed in the reply (the count is always complete). */
const MAX_REPORTED_ERRORS = 200;
/** Rows per INSERT … SELECT FROM json_each(?): one bound parameter carries the whole chunk. */
const ROWS_PER_STATEMENT = 2000;

const importQuery = z.object({ site_id: id, sector_id: id, mapping: mappingParam.optional() });

/** Reads the request body as a stream, refusing it past MAX_IMPORT_BYTES. */
async function readCapped(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_IMPORT_BYTES) {
      await reader.cancel();
      throw new PayloadTooLarge(MAX_IMPORT_BYTES);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The CSV bytes from a raw text/csv body or the `file` field of a multipart form. */
async function csvBytes(req: Request): Promise<Uint8Array> {
  // Lower-cased for the checks only: the multipart boundary is case-sensitive and must reach formData() as sent.
  const rawType = req.headers.get('content-type') ?? '';
  const type = rawType.toLowerCase();
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_IMPORT_BYTES + 64 * 1024) throw new PayloadTooLarge(MAX_IMPORT_BYTES);
  if (type.startsWith('multipart/form-data')) {
    const bytes = await readCapped(req.body);
    const form = await new Response(bytes, { headers: { 'content-type': rawType } }).formData();
    const file = form.get('file');
    if (!file || typeof file === 'string')
      throw new BadRequest('Send the CSV in a form field named "file".', 'file_missing');
    return new Uint8Array(await file.arrayBuffer());
  }
  if (type && !/^(text\/(csv|plain)|application\/(csv|octet-stream|vnd\.ms-excel))/.test(type)) {
    throw new ApiError(
      415,
      'Send the CSV as text/csv or as a multipart form with a "file" field.',
      'unsupported_media_type',
    );
  }
  return readCapped(req.body);
}

/** Decodes and parses in slices (the parser is incremental), keeping only valid rows. */
function parseCsv(bytes: Uint8Array, explicitMapping: Record<string, string> | undefined) {
  let { encoding, decoder } = decoderFor(bytes.subarray(0, 4));
  let text: string;
  try {
    text = decoder!.decode(bytes);
  } catch {
    encoding = 'windows-1252';
    text = decodeWindows1252(bytes);
  }
  text = text.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  let columns: ReturnType<typeof mapHeader>['columns'] | null = null;
  const valid = new Map<string, ImportRow & { line: number }>();
  const errors: { line: number; error: string }[] = [];
  let errorCount = 0;
  let rows = 0;
  let duplicatesInFile = 0;
  let headerProblems: string[] = [];
  const delimiter = detectDelimiter(firstLine);
  const parser = new CsvParser(delimiter, (cells, line) => {
    if (!columns) {
      const mapped = mapHeader(cells, explicitMapping);
      headerProblems = mapped.problems;
      columns = mapped.columns;
      return;
    }
    if (headerProblems.length) return;
    rows++;
    if (rows > MAX_IMPORT_ROWS) return;
    const r = readRow(cells, columns, delimiter === ';');
    if (!r.ok) {
      errorCount++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, error: r.error });
      return;
    }
    // Duplicates within the file are merged: the first spelling is kept, the metrics of the last.
    const prev = valid.get(r.row.normalized);
    if (prev) duplicatesInFile++;
    valid.set(r.row.normalized, prev ? { ...r.row, keyword: prev.keyword, line: prev.line } : { ...r.row, line });
  });
  for (let i = 0; i < text.length; i += 64 * 1024) parser.feed(text.slice(i, i + 64 * 1024));
  parser.end();
  if (headerProblems.length) throw new ValidationError({ file: headerProblems });
  if (!columns) throw new ValidationError({ file: ['The file is empty.'] });
  if (rows > MAX_IMPORT_ROWS)
    throw new ValidationError({
      file: [`The file has ${rows} rows; at most ${MAX_IMPORT_ROWS} can be imported at once. Split it.`],
    });
  return { encoding, rows, valid: [...valid.values()], errors, errorCount, duplicatesInFile };
}

export const csvRoutes = new Hono<AppEnv>()
  .post(
    '/import',
    describe('Import keywords from CSV into a sector', ['planner'], {
      description:
        'CSV as text/csv or multipart "file". ' +
        'Header names are matched to keyword/volume/difficulty/intent (or ?mapping=JSON). ' +
        `At most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_IMPORT_ROWS} rows. ` +
        'Bad rows are reported with their line and skipped; ' +
        'every valid row is imported in one transaction; duplicates (in the file or already in the sector) are merged.',
    }),
    query(importQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const { site, sector } = await requirePlacement(tenant, q.site_id, q.sector_id);
      const parsed = parseCsv(await csvBytes(c.req.raw), q.mapping);
      const a = tenant.account.id;
      const now = Date.now();
      const payloads = chunk(parsed.valid, ROWS_PER_STATEMENT).map((part) =>
        JSON.stringify(part.map((r) => ({ k: r.keyword, n: r.normalized, v: r.volume, d: r.difficulty, i: r.intent }))),
      );
      // For the report only (created vs merged); the limit is judged inside the INSERTs below.
      const existing = await Promise.all(
        payloads.map((p) =>
          tenant.db.get<{ n: number }>(sql`
          SELECT count(*) AS n FROM keywords WHERE account_id = ${a} AND sector_id = ${sector.id}
          AND normalized IN (SELECT json_extract(value, '$.n') FROM json_each(${p}))`),
        ),
      );
      const merged = existing.reduce((n, r) => n + (r?.n ?? 0), 0);
      const plan = await planOf(tenant);
      const limit = limitOf(plan.max_keywords);
      try {
        await runBatch(
          tenant.db,
          payloads.map(
            // The plan's keyword limit (the whole account; merged rows add nothing) is counted inside
            // each INSERT, against what is in the table when it runs. Over the limit the account_id
            // is NULL, which the NOT NULL constraint refuses: that fails the batch (one transaction),
            // so earlier chunks roll back too and a file is imported whole or not at all.
            (p) => sql`
            INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, volume, difficulty, intent,
                                  status, created_at, updated_at)
            SELECT CASE WHEN (SELECT count(*) FROM keywords WHERE account_id = ${a})
                             + (SELECT count(*) FROM json_each(${p}) AS f WHERE NOT EXISTS (
                                  SELECT 1 FROM keywords AS k
                                  WHERE k.account_id = ${a} AND k.sector_id = ${sector.id}
                                    AND k.normalized = json_extract(f.value, '$.n')))
                             <= ${limit} THEN ${a} END,
                   ${site.id}, ${sector.id}, json_extract(value, '$.k'), json_extract(value, '$.n'),
                   json_extract(value, '$.v'),
                   json_extract(value, '$.d'), json_extract(value, '$.i'), 'pending', ${now}, ${now}
            FROM json_each(${p}) WHERE true
            ON CONFLICT (account_id, sector_id, normalized) DO UPDATE SET
              volume = excluded.volume, difficulty = excluded.difficulty, intent = excluded.intent,
              updated_at = excluded.updated_at`,
          ),
        );
      } catch (err) {
        if (!String(err).includes('NOT NULL constraint failed: keywords.account_id')) throw err;
        const total = await tenant.db.get<{ n: number }>(
          sql`SELECT count(*) AS n FROM keywords WHERE account_id = ${a}`,
        );
        throw new LimitReached(
          `Your plan (${plan.name}) allows ${plan.max_keywords} keywords; the account has ${total?.n ?? 0} ` +
            `and this file adds ${parsed.valid.length - merged}. Nothing was imported.`,
          'file',
        );
      }
      notifySite(c, tenant, site.id, ['keywords']);
      await announceImport(c.env, tenant, site.id, sector.id, payloads);
      return ok(
        c,
        {
          rows: parsed.rows,
          imported: parsed.valid.length,
          created: parsed.valid.length - merged,
          merged_existing: merged,
          merged_duplicates_in_file: parsed.duplicatesInFile,
          skipped: parsed.errorCount,
          errors: parsed.errors,
          encoding: parsed.encoding,
        },
        200,
        `Imported ${parsed.valid.length} keywords (${merged} already existed and were updated); ` +
          `${parsed.errorCount} rows skipped.`,
      );
    },
  )
  .get(
    '/export',
    describe('Export the filtered keywords as CSV', ['planner']),
    query(keywordListQuery.omit({ page: true, page_size: true }).extend({ ordering: listQuery.shape.ordering })),
    async (c) => {
      const tenant = c.get('tenant');
      const where = await keywordResource.where(tenant, { ...c.req.valid('query'), page: 1, page_size: 1 });
      const db = tenant.db;
      const encoder = new TextEncoder();
      // Streamed page by page (keyset on id), so a 50,000-row export never sits in memory.
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(
            encoder.encode('\uFEFF' + csvLine(['keyword', 'volume', 'difficulty', 'intent', 'status', 'cluster'])),
          );
          let after = 0;
          for (;;) {
            const rows = await db
              .select({
                id: keywords.id,
                keyword: keywords.keyword,
                volume: keywords.volume,
                difficulty: keywords.difficulty,
                intent: keywords.intent,
                status: keywords.status,
                cluster: clusters.name,
              })
              .from(keywords)
              .leftJoin(
                clusters,
                and(eq(clusters.account_id, keywords.account_id), eq(clusters.id, keywords.cluster_id)),
              )
              .where(and(where, sql`${keywords.id} > ${after}`))
              .orderBy(keywords.id)
              .limit(1000)
              .all();
            if (!rows.length) break;
            controller.enqueue(
              encoder.encode(
                rows
                  .map((r) => csvLine([r.keyword, r.volume, r.difficulty, r.intent, r.status, r.cluster ?? '']))
                  .join(''),
              ),
            );
            after = rows[rows.length - 1]!.id;
          }
          controller.close();
        },
      });
      return new Response(stream, {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="keywords-${new Date().toISOString().slice(0, 10)}.csv"`,
          'x-request-id': c.get('requestId'),
        },
      });
    },
  );
