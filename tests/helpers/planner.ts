import { exports } from 'cloudflare:workers';
import { ORIGIN, call, type Res, type Session } from './api';

/**
 * Planner helpers for the API suites: requests with any body (CSV bytes, streams, forms), CSV
 * import and export, and reading every keyword of a sector through the paginated list.
 */
export const KEYWORDS = '/api/v1/planner/keywords';

/** Like `call`, but the body can be bytes, a stream or a form, and the reply may be CSV. */
export async function send(
  method: string,
  path: string,
  opts: { token?: string; body?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Res & { text: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body: opts.body };
  if (opts.body instanceof ReadableStream) init.duplex = 'half';
  const res: Response = await (exports as any).default.fetch(new Request(`${ORIGIN}${path}`, init));
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* CSV */
  }
  return { status: res.status, body, headers: res.headers, text };
}

/** POST /keywords/import/ into a sector; `type` null sends no Content-Type at all. */
export function importCsv(
  s: Session,
  place: { siteId: number; sectorId: number },
  body: BodyInit,
  opts: { type?: string | null; query?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  const type = opts.type === undefined ? 'text/csv' : opts.type;
  if (type !== null && !(body instanceof FormData)) headers['content-type'] = type;
  return send('POST', `${KEYWORDS}/import/?site_id=${place.siteId}&sector_id=${place.sectorId}${opts.query ?? ''}`, {
    token: s.token,
    body,
    headers,
  });
}

/**
 * GET /keywords/export/ as a Res whose body is an envelope (`data` = the CSV text, `request_id`
 * from the header) when the reply is CSV, so the access matrix can check it like any other route.
 */
export async function exportCsv(s: Session, query: string): Promise<Res & { text: string }> {
  const res = await send('GET', `${KEYWORDS}/export/?${query}`, { token: s.token });
  if (res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/csv')) {
    return { ...res, body: { success: true, data: res.text, request_id: res.headers.get('x-request-id') } };
  }
  return res;
}

export interface KeywordRow {
  id: number;
  account_id: number;
  site_id: number;
  sector_id: number;
  keyword: string;
  normalized: string;
  volume: number;
  difficulty: number;
  intent: string;
  status: string;
  cluster_id: number | null;
}

/** Every keyword of a sector (all pages), in id order. */
export async function keywordsOf(s: Session, sectorId: number): Promise<KeywordRow[]> {
  const out: KeywordRow[] = [];
  for (let page = 1; ; page++) {
    const res = await call('GET', `${KEYWORDS}/?sector_id=${sectorId}&page_size=200&ordering=id&page=${page}`, {
      token: s.token,
    });
    if (res.status !== 200) throw new Error(`keywords list: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.results);
    if (!res.body.next) return out;
  }
}

/** Imports `words` (simple CSV) and returns the ids of those keywords, in the given order. */
export async function seedKeywords(
  s: Session,
  place: { siteId: number; sectorId: number },
  words: string[],
): Promise<number[]> {
  const csv = 'Keyword,Volume,KD\n' + words.map((w, i) => `${w},${(i + 1) * 10},${i % 90}`).join('\n');
  const res = await importCsv(s, place, csv);
  if (res.status !== 200) throw new Error(`import: ${res.status} ${JSON.stringify(res.body)}`);
  const byText = new Map((await keywordsOf(s, place.sectorId)).map((k) => [k.keyword, k.id]));
  return words.map((w) => {
    const id = byText.get(w);
    if (id === undefined) throw new Error(`"${w}" was not imported`);
    return id;
  });
}

/** Lines of a CSV export, without the BOM and the trailing empty line. */
export const csvLines = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '');
