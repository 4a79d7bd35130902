/**
 * Paged reads of a WordPress site's posts, pages, categories and tags for the sync (issue 13, scope 3).
 *
 * Each read asks for 100 items (the REST API's most per page) and only the fields the inventory needs
 * (`_fields`): bodies are read only to compute a post's prominent terms and are never stored. The REST
 * API says how many pages there are in the X-WP-TotalPages header; the client hands back bodies only,
 * so reads ask for `_envelope`, which puts status and headers into the JSON body (WordPress core since
 * 4.4). A page past the last one is a 400 `rest_post_invalid_page_number`: the sync never asks for it.
 */
import { decodeWpText, WordPressError, type WordPressClient } from '../wordpress-client';

export const WP_OBJECT_TYPES = ['posts', 'pages', 'categories', 'tags'] as const;
export type WpObjectType = (typeof WP_OBJECT_TYPES)[number];

/** The REST API's maximum per page (`per_page` is capped at 100). */
export const PER_PAGE = 100;

const POST_FIELDS = 'id,link,title,date_gmt,modified_gmt,status,type';
/**
 * What each list read asks for; `content` only where a body is wanted for terms. Never `excerpt`: WordPress
 * derives a missing excerpt by running the content filters a second time, doubling its work per post.
 */
export const FIELDS: Record<WpObjectType, { list: string; body: string }> = {
  posts: { list: `${POST_FIELDS},categories,tags`, body: `${POST_FIELDS},categories,tags,content` },
  pages: { list: POST_FIELDS, body: `${POST_FIELDS},content` },
  categories: { list: 'id,link,name,slug', body: 'id,link,name,slug,description' },
  tags: { list: 'id,link,name,slug', body: 'id,link,name,slug,description' },
};

/** One item of a list read, as the sync uses it (texts decoded, times in ms). */
export interface WpItem {
  id: number;
  link: string;
  title: string;
  /** Terms: their slug (posts and pages: empty). */
  slug: string;
  /** Posts and pages: modified_gmt in ms; terms have no modified time (null). */
  modifiedAt: number | null;
  /** Posts and pages: date_gmt in ms (when it went live). */
  publishedAt: number | null;
  /** Rendered body (posts/pages) or description (terms), when asked for: for terms only, never stored. */
  body: string;
  categories: number[];
  tags: number[];
}

export interface WpPageRead {
  items: WpItem[];
  total: number;
  totalPages: number;
}

type Envelope = { body?: unknown; status?: number; headers?: Record<string, unknown> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const rendered = (v: unknown) => (isObject(v) ? String(v.rendered ?? v.raw ?? '') : typeof v === 'string' ? v : '');
const ids = (v: unknown) => (Array.isArray(v) ? v.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0) : []);

/** WordPress's modified_gmt ("2026-12-02T14:10:29", no zone: it is UTC) in ms; null when absent. */
export function gmtMs(value: unknown): number | null {
  if (typeof value !== 'string' || !value) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? ms : null;
}

export function itemOf(raw: unknown): WpItem | null {
  if (!isObject(raw) || typeof raw.id !== 'number' || raw.id <= 0) return null;
  const title = 'name' in raw ? String(raw.name ?? '') : rendered(raw.title);
  return {
    id: raw.id,
    link: String(raw.link ?? ''),
    title: decodeWpText(title.replace(/<[^>]*>/g, '')).trim(),
    slug: 'name' in raw ? String(raw.slug ?? '') : '',
    modifiedAt: gmtMs(raw.modified_gmt),
    publishedAt: gmtMs(raw.date_gmt),
    body: 'content' in raw ? rendered(raw.content) : String(raw.description ?? ''),
    categories: ids(raw.categories),
    tags: ids(raw.tags),
  };
}

/**
 * One page of a list (1-based). `withBody`: also the rendered content (posts, pages), for terms.
 * `include`: only these ids (at most 100), e.g. the changed posts of a re-sync.
 */
export async function readPage(
  client: WordPressClient,
  type: WpObjectType,
  page: number,
  opts: { withBody?: boolean; include?: readonly number[]; perPage?: number } = {},
): Promise<WpPageRead> {
  const query: Record<string, string | number> = {
    per_page: opts.perPage ?? PER_PAGE,
    page,
    _fields: opts.withBody ? FIELDS[type].body : FIELDS[type].list,
    _envelope: 1,
    orderby: 'id',
    order: 'asc',
  };
  if (opts.include?.length) query.include = opts.include.join(',');
  // Terms: hide_empty defaults to false; posts and pages: status defaults to publish (the live ones).
  const { data } = await client.request<Envelope>('GET', `/wp/v2/${type}`, { query });
  const status = Number(data?.status ?? 0);
  if (!isObject(data) || !('body' in data)) {
    throw new WordPressError(`WordPress answered /wp/v2/${type} without an envelope.`, 'wp_unexpected_response');
  }
  if (status >= 400 || !Array.isArray(data.body)) {
    const body = isObject(data.body) ? data.body : {};
    const said = String(body.message ?? '').replace(/<[^>]*>/g, '');
    if (status === 401)
      throw new WordPressError(
        'WordPress rejected the saved username or application password (HTTP 401).',
        'wp_auth_failed',
        { status },
      );
    throw new WordPressError(
      `WordPress refused GET /wp/v2/${type} page ${page} (HTTP ${status})${said ? `: ${said}` : ''}.`,
      status === 403 ? 'wp_forbidden' : status >= 500 ? 'wp_server_error' : 'wp_rejected',
      { status, wpCode: String(body.code ?? ''), said: said || undefined },
    );
  }
  const headers = isObject(data.headers) ? data.headers : {};
  const items = data.body.map(itemOf).filter((i): i is WpItem => i !== null);
  const total = Number(headers['X-WP-Total'] ?? items.length);
  const totalPages = Number(headers['X-WP-TotalPages'] ?? (items.length ? page : 0));
  return {
    items,
    total: Number.isFinite(total) ? total : items.length,
    totalPages: Number.isFinite(totalPages) ? totalPages : page,
  };
}

/** One post or page by id (view context: the rendered body), or null when it is gone or not published. */
export async function readOne(client: WordPressClient, type: 'posts' | 'pages', id: number): Promise<WpItem | null> {
  try {
    const { data } = await client.request<unknown>('GET', `/wp/v2/${type}/${id}`, {
      query: { _fields: FIELDS[type].body },
    });
    const item = itemOf(data);
    return item && isObject(data) && data.status === 'publish' ? item : null;
  } catch (err) {
    // A draft, a trashed post (401/403 for a private one viewed without rights) or a deleted one: not live.
    if (err instanceof WordPressError && (err.code === 'wp_not_found' || err.code === 'wp_forbidden')) return null;
    throw err;
  }
}

/** Every page of a list, read one after another (taxonomy push: all existing terms). */
export async function readAll(client: WordPressClient, type: WpObjectType): Promise<WpItem[]> {
  const first = await readPage(client, type, 1);
  const out = [...first.items];
  for (let page = 2; page <= first.totalPages; page++) out.push(...(await readPage(client, type, page)).items);
  return out;
}
