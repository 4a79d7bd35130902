import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { KEYWORD_INTENTS } from '../../core/domain/enums';
import { normalizeKeyword } from '../../core/domain/normalize';
import type { Tenant } from '../db/tenant';
import type { Env } from '../env';

/**
 * Turning CSV rows into keywords: header mapping (common tool exports work as they are), per-row
 * validation with the line number, and merging of duplicates within the file.
 */
export type ImportField = 'keyword' | 'volume' | 'difficulty' | 'intent';

const ALIASES: Record<ImportField, string[]> = {
  keyword: ['keyword', 'keywords', 'query', 'search term', 'search query', 'term', 'phrase', 'keyphrase'],
  volume: [
    'volume',
    'search volume',
    'avg. monthly searches',
    'avg monthly searches',
    'monthly volume',
    'monthly searches',
    'sv',
  ],
  difficulty: ['difficulty', 'kd', 'kd%', 'keyword difficulty', 'seo difficulty', 'competition index'],
  intent: ['intent', 'search intent', 'intents'],
};

export const mappingParam = z
  .string()
  .max(2000)
  .transform((s, ctx) => {
    try {
      return z
        .partialRecord(z.enum(['keyword', 'volume', 'difficulty', 'intent']), z.string().max(200))
        .parse(JSON.parse(s));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'mapping must be JSON like {"keyword":"Query","volume":"Searches"}.' });
      return z.NEVER;
    }
  });

/** Column index of each field: an explicit mapping wins, then the known aliases. */
export function mapHeader(header: string[], explicit: Partial<Record<ImportField, string>> = {}) {
  const norm = header.map((h) =>
    h
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const columns: Partial<Record<ImportField, number>> = {};
  const problems: string[] = [];
  for (const field of Object.keys(ALIASES) as ImportField[]) {
    const wanted = explicit[field];
    const idx = wanted ? norm.indexOf(wanted.trim().toLowerCase()) : norm.findIndex((h) => ALIASES[field].includes(h));
    if (wanted && idx < 0) problems.push(`No column named "${wanted}" for ${field}.`);
    if (idx >= 0) columns[field] = idx;
  }
  if (columns.keyword === undefined && !problems.length) {
    problems.push(
      `No keyword column. Name one of: ${ALIASES.keyword.join(', ')} — or pass mapping. ` +
        `Columns found: ${header.join(', ') || '(none)'}.`,
    );
  }
  return { columns, problems };
}

const INTENT_ALIASES: Record<string, (typeof KEYWORD_INTENTS)[number]> = {
  i: 'informational',
  info: 'informational',
  informational: 'informational',
  n: 'navigational',
  nav: 'navigational',
  navigational: 'navigational',
  c: 'commercial',
  com: 'commercial',
  commercial: 'commercial',
  t: 'transactional',
  trans: 'transactional',
  transactional: 'transactional',
};

/**
 * "1,200", "1.2k", "3M", " 40 " → numbers; anything else is an error. In `decimalComma` files
 * (semicolon-delimited, as European spreadsheets write them) "1.200" is twelve hundred and
 * "1,5k" fifteen hundred.
 */
export function parseMetric(raw: string, decimalComma = false): number | null {
  let s = raw.trim().toLowerCase().replace(/[\s_]/g, '');
  if (!decimalComma) s = s.replace(/,/g, '');
  else if (/^\d{1,3}(\.\d{3})+(,\d+)?[km]?%?$/.test(s))
    s = s.replace(/\./g, '').replace(',', '.'); // "1.200", "12.500,5"
  else s = s.replace(',', '.'); // "1,5k"; a lone "2.4k" keeps its decimal point
  if (s === '') return 0;
  const m = /^(\d+(?:\.\d+)?)([km])?%?$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]) * (m[2] === 'k' ? 1000 : m[2] === 'm' ? 1_000_000 : 1);
  return Number.isFinite(n) ? Math.round(n) : null;
}

export interface ImportRow {
  keyword: string;
  normalized: string;
  volume: number;
  difficulty: number;
  intent: (typeof KEYWORD_INTENTS)[number];
}

export type RowResult = { ok: true; row: ImportRow } | { ok: false; error: string };

export function readRow(
  cells: string[],
  columns: Partial<Record<ImportField, number>>,
  decimalComma = false,
): RowResult {
  const cell = (f: ImportField) => (columns[f] === undefined ? '' : (cells[columns[f]!] ?? ''));
  // Our own export prefixes formula-like cells with ' (CSV injection guard): undo it on the way back in.
  const keyword = cell('keyword')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^'(?=[=+\-@])/, '');
  if (!keyword) return { ok: false, error: 'The keyword is empty.' };
  if (keyword.length > 300)
    return { ok: false, error: `The keyword is ${keyword.length} characters long (at most 300).` };
  const volume = parseMetric(cell('volume'), decimalComma);
  if (volume === null || volume > 1_000_000_000)
    return { ok: false, error: `Volume "${cell('volume').slice(0, 40)}" is not a number.` };
  const difficulty = parseMetric(cell('difficulty'), decimalComma);
  if (difficulty === null || difficulty > 100)
    return { ok: false, error: `Difficulty "${cell('difficulty').slice(0, 40)}" is not a number from 0 to 100.` };
  const intentRaw =
    cell('intent')
      .trim()
      .toLowerCase()
      .split(/[,;/ ]+/)[0] ?? '';
  const intent = intentRaw ? INTENT_ALIASES[intentRaw] : 'informational';
  if (!intent)
    return { ok: false, error: `Intent "${cell('intent').slice(0, 40)}" is not one of ${KEYWORD_INTENTS.join(', ')}.` };
  return { ok: true, row: { keyword, normalized: normalizeKeyword(keyword), volume, difficulty, intent } };
}

/** Keyword ids one `keywords.imported` event carries at most (a queue message is at most 128 KB). */
export const MAX_EVENT_KEYWORD_IDS = 5_000;

/**
 * After an import committed: the automation rules "when keywords are imported" of the site start,
 * once for this import (its event id is made here, once). The message has the shape of
 * worker/automation/messages.ts's AutomationEventMessage, written out: the planner does not import
 * automation (automation's stages import the planner). A send that fails does not undo the import.
 */
export async function announceImport(env: Env, tenant: Tenant, siteId: number, sectorId: number, payloads: string[]) {
  try {
    const ids: number[] = [];
    for (const p of payloads) {
      if (ids.length >= MAX_EVENT_KEYWORD_IDS) break;
      const rows = await tenant.db.all<{ id: number }>(sql`
        SELECT id FROM keywords WHERE account_id = ${tenant.account.id} AND sector_id = ${sectorId}
        AND normalized IN (SELECT json_extract(value, '$.n') FROM json_each(${p}))`);
      ids.push(...rows.map((r) => r.id));
    }
    if (ids.length === 0) return;
    await env.EVENTS.send({
      v: 1,
      type: 'automation.event',
      account_id: tenant.account.id,
      shard: tenant.shard,
      site_id: siteId,
      event: 'keywords.imported',
      event_id: crypto.randomUUID(),
      payload: { keyword_ids: ids.slice(0, MAX_EVENT_KEYWORD_IDS) },
    });
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', message: 'keywords.imported not sent', error: String(err) }));
  }
}
