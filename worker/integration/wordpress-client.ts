import { ApiError } from '../http/errors';
import { checkOutboundUrl } from '../lib/url-guard';

/**
 * A small client for the WordPress REST API (wp/v2) with an Application Password, written for
 * URLs that users type in: every request (and every redirect hop) passes the outbound URL guard,
 * credentials are only sent to the host they were given for, every request has a deadline
 * (AbortSignal.timeout) and a response size cap, and every answer is either the JSON WordPress
 * documents or a WordPressError that says what went wrong in words a user can act on.
 *
 * WordPress accepts requests it does not fully honour (unknown featured_media, term ids and
 * unregistered meta are dropped silently with a 201): callers compare what came back with what
 * they sent (`postMismatches`).
 */

export type WordPressErrorCode =
  | 'wp_auth_failed'
  | 'wp_forbidden'
  | 'wp_unreachable'
  | 'wp_timeout'
  | 'wp_not_wordpress'
  | 'wp_not_found'
  | 'wp_rejected'
  | 'wp_server_error'
  | 'wp_response_too_large'
  | 'wp_redirect_refused'
  | 'wp_unexpected_response'
  | 'url_not_allowed';

export class WordPressError extends Error {
  constructor(
    message: string,
    readonly code: WordPressErrorCode,
    /** `said`: the part of the message quoted from WordPress's answer (kept out of Test Connection). */
    readonly detail: { status?: number; wpCode?: string; url?: string; data?: unknown; said?: string } = {},
  ) {
    super(message);
    this.name = 'WordPressError';
  }

  /** The message without anything quoted from the remote answer. */
  get ownMessage(): string {
    return this.detail.said ? this.message.replace(this.detail.said, '') : this.message;
  }

  /**
   * The API error a route answers with: 400 for a URL we refuse to call, 422 for the rest (the settings or the
   * site are the problem).
   */
  toApiError(): ApiError {
    const field =
      this.code === 'wp_auth_failed'
        ? 'wp_app_password'
        : this.code === 'url_not_allowed' || this.code === 'wp_not_wordpress'
          ? 'wp_url'
          : undefined;
    return new ApiError(
      this.code === 'url_not_allowed' ? 400 : 422,
      this.message,
      this.code,
      field ? { [field]: [this.message] } : undefined,
    );
  }
}

export interface WordPressCredentials {
  /** The site root, e.g. https://example.com (no /wp-json). */
  url: string;
  username: string;
  appPassword: string;
}

export interface WordPressClientOptions {
  allowLoopback: boolean;
  /** Per request, redirects and body included (default 20 s; uploads get `uploadTimeoutMs`). */
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  /** Largest JSON response accepted (default 5 MB). */
  maxResponseBytes?: number;
  maxRedirects?: number;
}

export interface WpUser {
  id: number;
  name: string;
  slug: string;
  roles: string[];
  capabilities: Record<string, boolean>;
}

export interface WpMedia {
  id: number;
  source_url: string;
  mime_type: string;
  alt_text?: string;
  media_type?: string;
}

export interface WpTerm {
  id: number;
  name: string;
  slug: string;
}

export type WpPostStatus = 'draft' | 'publish' | 'pending' | 'private' | 'future' | 'trash';

export interface WpPostFields {
  title?: string;
  content?: string;
  excerpt?: string;
  status?: 'draft' | 'publish';
  featured_media?: number;
  categories?: number[];
  tags?: number[];
  meta?: Record<string, string>;
}

export interface WpPost {
  id: number;
  status: WpPostStatus;
  link: string;
  featured_media: number;
  categories: number[];
  tags: number[];
  meta: Record<string, unknown> | unknown[];
  title: { raw?: string; rendered?: string };
  content: { raw?: string; rendered?: string };
  excerpt: { raw?: string; rendered?: string };
}

type Json = Record<string, unknown>;

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const encoder = new TextEncoder();

function basicAuth(username: string, password: string): string {
  let binary = '';
  for (const b of encoder.encode(`${username}:${password}`)) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

/** JSON, also when a plugin printed a PHP notice before it; undefined when it is not JSON at all. */
function parseJsonLoosely(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.search(/[{[]/);
    if (start > 0) {
      try {
        return JSON.parse(trimmed.slice(start));
      } catch {
        /* not JSON */
      }
    }
    return undefined;
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** WordPress returns term and title text HTML-escaped (`&amp;`); compare names decoded. */
export function decodeWpText(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}

const sameName = (a: string, b: string) =>
  decodeWpText(a).trim().toLocaleLowerCase() === decodeWpText(b).trim().toLocaleLowerCase();

/** A filename WordPress will accept in Content-Disposition: ASCII letters, digits, dot, dash, underscore. */
export function safeFilename(name: string, fallbackExt: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '')
    .slice(0, 100);
  if (!cleaned || !/\.[a-z0-9]{2,5}$/i.test(cleaned)) return `${cleaned || 'image'}.${fallbackExt}`;
  return cleaned;
}

export class WordPressClient {
  readonly root: URL;
  private readonly auth: string;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;

  constructor(
    readonly credentials: WordPressCredentials,
    private readonly options: WordPressClientOptions,
  ) {
    this.root = this.guard(credentials.url);
    this.auth = basicAuth(credentials.username, credentials.appPassword);
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 60_000;
    this.maxBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
    this.maxRedirects = options.maxRedirects ?? 3;
  }

  private guard(raw: string): URL {
    try {
      return checkOutboundUrl(raw, this.options.allowLoopback);
    } catch (err) {
      const why = err instanceof ApiError ? err.message : 'Not a valid URL.';
      throw new WordPressError(`WordPress address ${raw} is not allowed: ${why}`, 'url_not_allowed', { url: raw });
    }
  }

  /** `/wp/v2/posts` → https://site/wp-json/wp/v2/posts */
  endpoint(path: string, query?: RequestOptions['query']): URL {
    const url = new URL(this.root.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/wp-json${path}`;
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** One REST call: guarded redirects, deadline, size cap, JSON or a WordPressError. */
  async request<T = unknown>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<{ status: number; data: T; url: string }> {
    const signal = AbortSignal.timeout(opts.timeoutMs ?? this.timeoutMs);
    let url = this.endpoint(path, opts.query);
    let sendAuth = true;
    const body = opts.json !== undefined ? JSON.stringify(opts.json) : opts.body;
    let res: Response | undefined;
    try {
      for (let hop = 0; ; hop++) {
        this.guard(url.href);
        const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
        if (opts.json !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
        if (sendAuth) headers.authorization = this.auth;
        res = await fetch(url.href, { method, headers, body, redirect: 'manual', signal });
        if (!REDIRECTS.has(res.status)) break;
        const location = res.headers.get('location');
        await res.body?.cancel();
        if (!location)
          throw new WordPressError(
            `${url.origin} answered HTTP ${res.status} without a Location header.`,
            'wp_unexpected_response',
            { status: res.status, url: url.href },
          );
        const next = new URL(location, url);
        if (hop >= this.maxRedirects) {
          throw new WordPressError(
            `Too many redirects from ${this.root.origin} (last to ${next.href}).`,
            'wp_redirect_refused',
            { status: res.status, url: next.href },
          );
        }
        if (method !== 'GET' && method !== 'HEAD' && res.status !== 307 && res.status !== 308) {
          throw new WordPressError(
            `WordPress redirected a ${method} from ${url.origin}${url.pathname} to ${next.origin}${next.pathname}: ` +
              'use the address it redirects to as the WordPress URL.',
            'wp_redirect_refused',
            { status: res.status, url: next.href },
          );
        }
        if (url.protocol === 'https:' && next.protocol !== 'https:') {
          throw new WordPressError(
            `${url.origin} redirected to an insecure address (${next.origin}); refusing to follow.`,
            'wp_redirect_refused',
            { status: res.status, url: next.href },
          );
        }
        // Credentials stay with the host they were given for (a scheme upgrade on the same host is fine).
        if (next.hostname !== url.hostname) sendAuth = false;
        url = next;
      }
    } catch (err) {
      if (err instanceof WordPressError) throw err;
      const name = (err as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError' || signal.aborted) {
        throw new WordPressError(
          `WordPress at ${this.root.origin} did not answer within ` +
            `${Math.round((opts.timeoutMs ?? this.timeoutMs) / 1000)} s.`,
          'wp_timeout',
          { url: url.href },
        );
      }
      throw new WordPressError(
        `Could not connect to ${this.root.origin}: ${(err as Error)?.message || 'connection failed'}. ` +
          'Check the address and that the site is online.',
        'wp_unreachable',
        { url: url.href },
      );
    }
    const text = await this.readCapped(res, url, signal);
    const contentType = res.headers.get('content-type') ?? '';
    const data = parseJsonLoosely(text);
    if (res.status === 401) {
      // WordPress's own words stay out of the message (its code is kept in the detail).
      throw new WordPressError(
        `WordPress rejected the username or application password for ${this.root.origin} (HTTP 401). ` +
          'Create an Application Password under Users → Profile and save it here.',
        'wp_auth_failed',
        { status: 401, wpCode: isObject(data) ? String(data.code ?? '') : undefined, url: url.href },
      );
    }
    if (data === undefined || (!/json/i.test(contentType) && !isObject(data) && !Array.isArray(data))) {
      throw new WordPressError(
        `${url.origin}${url.pathname} answered HTTP ${res.status} ` +
          `with ${contentType.split(';')[0] || 'no content type'}, not the WordPress REST API. ` +
          'Check the WordPress address (the site root, without /wp-json) and that the REST API is enabled.',
        'wp_not_wordpress',
        { status: res.status, url: url.href },
      );
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, data: data as T, url: url.href };
    throw this.errorFrom(res.status, data, method, url);
  }

  private async readCapped(res: Response, url: URL, signal: AbortSignal): Promise<string> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    const tooLarge = () =>
      new WordPressError(
        `The answer from ${url.origin}${url.pathname} is larger than ${Math.round(this.maxBytes / 1024)} KB; ` +
          'refusing to read it.',
        'wp_response_too_large',
        {
          status: res.status,
          url: url.href,
        },
      );
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      await res.body?.cancel();
      throw tooLarge();
    }
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > this.maxBytes) {
          await reader.cancel();
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (err) {
      if (err instanceof WordPressError) throw err;
      if (signal.aborted)
        throw new WordPressError(`WordPress at ${this.root.origin} did not finish answering in time.`, 'wp_timeout', {
          url: url.href,
        });
      throw new WordPressError(
        `The connection to ${this.root.origin} broke while reading the answer: ${(err as Error).message}`,
        'wp_unreachable',
        { url: url.href },
      );
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    return new TextDecoder().decode(bytes);
  }

  private errorFrom(status: number, data: unknown, method: string, url: URL): WordPressError {
    const wpCode = isObject(data) ? String(data.code ?? '') : '';
    const wpMessage = isObject(data) ? String(data.message ?? '').replace(/<[^>]*>/g, '') : '';
    const what = `${method} ${url.pathname.replace(/^.*\/wp-json/, '')}`;
    const said = wpMessage ? `: ${wpMessage}${wpCode ? ` (${wpCode})` : ''}` : wpCode ? ` (${wpCode})` : '';
    const detail = {
      status,
      wpCode,
      url: url.href,
      data: isObject(data) ? data.data : undefined,
      said: said || undefined,
    };
    if (status === 403) {
      return new WordPressError(
        `The WordPress user "${this.credentials.username}" is not allowed to do ${what}${said}.`,
        'wp_forbidden',
        detail,
      );
    }
    if (status === 404 || status === 410) {
      if (wpCode === 'rest_no_route') {
        return new WordPressError(
          `${url.origin} has no REST route for ${what}${said}. ` +
            'Is this WordPress 5.6 or later with the REST API enabled?',
          'wp_not_wordpress',
          detail,
        );
      }
      return new WordPressError(`WordPress has no such item for ${what}${said}.`, 'wp_not_found', detail);
    }
    if (status === 413)
      return new WordPressError(
        `WordPress refused ${what}: the upload is larger than the site allows${said}.`,
        'wp_rejected',
        detail,
      );
    if (wpCode === 'rest_upload_sideload_error' || wpCode.startsWith('rest_upload_')) {
      return new WordPressError(`WordPress refused the file${said}.`, 'wp_rejected', detail);
    }
    if (status >= 500)
      return new WordPressError(`WordPress failed on ${what} with HTTP ${status}${said}.`, 'wp_server_error', detail);
    return new WordPressError(`WordPress refused ${what} (HTTP ${status})${said}.`, 'wp_rejected', detail);
  }

  // ------------------------------------------------------------------ endpoints

  /** The user the application password belongs to, with capabilities (edit context: one's own profile). */
  async me(): Promise<WpUser> {
    const { data } = await this.request<Json>('GET', '/wp/v2/users/me', { query: { context: 'edit' } });
    if (!isObject(data) || typeof data.id !== 'number') {
      throw new WordPressError(
        `${this.root.origin} answered users/me without a user: is this a WordPress site?`,
        'wp_not_wordpress',
      );
    }
    return {
      id: data.id,
      name: String(data.name ?? ''),
      slug: String(data.slug ?? ''),
      roles: Array.isArray(data.roles) ? data.roles.map(String) : [],
      capabilities: isObject(data.capabilities)
        ? (Object.fromEntries(Object.entries(data.capabilities).map(([k, v]) => [k, v === true])) as Record<
            string,
            boolean
          >)
        : {},
    };
  }

  /** The post meta keys WordPress exposes over REST (registered with show_in_rest). */
  async postMetaKeys(): Promise<string[]> {
    const { data } = await this.request<Json>('OPTIONS', '/wp/v2/posts');
    const meta = (data as { schema?: { properties?: { meta?: { properties?: Json } } } }).schema?.properties?.meta
      ?.properties;
    return isObject(meta) ? Object.keys(meta) : [];
  }

  /** Uploads a file to the media library (raw body + Content-Disposition), with its alt text. */
  async uploadMedia(bytes: Uint8Array, filename: string, mime: string, alt: string): Promise<WpMedia> {
    const ext =
      mime
        .split('/')[1]
        ?.replace('jpeg', 'jpg')
        .replace(/[^a-z0-9]/g, '') || 'bin';
    const name = safeFilename(filename, ext);
    const { data } = await this.request<Json>('POST', '/wp/v2/media', {
      body: bytes,
      query: alt ? { alt_text: alt } : undefined,
      headers: { 'content-type': mime, 'content-disposition': `attachment; filename="${name}"` },
      timeoutMs: this.uploadTimeoutMs,
    });
    const media = this.asMedia(data);
    if (!media)
      throw new WordPressError(
        `WordPress accepted ${name} but did not say where it is (no id or source_url).`,
        'wp_unexpected_response',
      );
    return media;
  }

  /** A media item, or null when it no longer exists. */
  async getMedia(id: number): Promise<WpMedia | null> {
    try {
      const { data } = await this.request<Json>('GET', `/wp/v2/media/${id}`, { query: { context: 'edit' } });
      return this.asMedia(data);
    } catch (err) {
      if (err instanceof WordPressError && err.code === 'wp_not_found') return null;
      throw err;
    }
  }

  async deleteMedia(id: number): Promise<void> {
    await this.request('DELETE', `/wp/v2/media/${id}`, { query: { force: 'true' } });
  }

  private asMedia(data: unknown): WpMedia | null {
    if (
      !isObject(data) ||
      typeof data.id !== 'number' ||
      data.id <= 0 ||
      typeof data.source_url !== 'string' ||
      !data.source_url
    )
      return null;
    return {
      id: data.id,
      source_url: data.source_url,
      mime_type: String(data.mime_type ?? ''),
      alt_text: String(data.alt_text ?? ''),
      media_type: String(data.media_type ?? ''),
    };
  }

  /**
   * The id of the category or tag with this name: found by search first, else created; when
   * creating races with someone else, WordPress's `term_exists` error carries the id to reuse.
   */
  async ensureTerm(taxonomy: 'categories' | 'tags', rawName: string): Promise<WpTerm & { created: boolean }> {
    const name = rawName.replace(/\s+/g, ' ').trim().slice(0, 190);
    if (!name)
      throw new WordPressError(
        `An empty ${taxonomy === 'tags' ? 'tag' : 'category'} name cannot be sent to WordPress.`,
        'wp_rejected',
      );
    const { data: found } = await this.request<unknown[]>('GET', `/wp/v2/${taxonomy}`, {
      query: { search: name, per_page: 100, _fields: 'id,name,slug' },
    });
    const match = Array.isArray(found)
      ? found.find((t): t is Json => isObject(t) && typeof t.id === 'number' && sameName(String(t.name ?? ''), name))
      : undefined;
    if (match)
      return {
        id: match.id as number,
        name: decodeWpText(String(match.name)),
        slug: String(match.slug ?? ''),
        created: false,
      };
    try {
      const { data } = await this.request<Json>('POST', `/wp/v2/${taxonomy}`, { json: { name } });
      if (!isObject(data) || typeof data.id !== 'number')
        throw new WordPressError(`WordPress created the term "${name}" but returned no id.`, 'wp_unexpected_response');
      return {
        id: data.id,
        name: decodeWpText(String(data.name ?? name)),
        slug: String(data.slug ?? ''),
        created: true,
      };
    } catch (err) {
      const termId =
        err instanceof WordPressError && err.detail.wpCode === 'term_exists' && isObject(err.detail.data)
          ? Number(err.detail.data.term_id)
          : NaN;
      if (Number.isSafeInteger(termId) && termId > 0) return { id: termId, name, slug: '', created: false };
      throw err;
    }
  }

  async createPost(fields: WpPostFields): Promise<WpPost> {
    const { data } = await this.request<Json>('POST', '/wp/v2/posts', { json: fields });
    return this.asPost(data);
  }

  async updatePost(id: number, fields: WpPostFields): Promise<WpPost> {
    const { data } = await this.request<Json>('POST', `/wp/v2/posts/${id}`, { json: fields });
    return this.asPost(data);
  }

  /** A post (edit context), or null when it was deleted. */
  async getPost(id: number): Promise<WpPost | null> {
    try {
      const { data } = await this.request<Json>('GET', `/wp/v2/posts/${id}`, { query: { context: 'edit' } });
      return this.asPost(data);
    } catch (err) {
      if (err instanceof WordPressError && err.code === 'wp_not_found') return null;
      throw err;
    }
  }

  private asPost(data: unknown): WpPost {
    if (!isObject(data) || typeof data.id !== 'number' || data.id <= 0) {
      throw new WordPressError('WordPress answered without a post id.', 'wp_unexpected_response', { data });
    }
    const text = (v: unknown) =>
      isObject(v)
        ? {
            raw: typeof v.raw === 'string' ? v.raw : undefined,
            rendered: typeof v.rendered === 'string' ? v.rendered : undefined,
          }
        : {};
    return {
      id: data.id,
      status: String(data.status ?? '') as WpPostStatus,
      link: String(data.link ?? ''),
      featured_media: Number(data.featured_media ?? 0),
      categories: Array.isArray(data.categories) ? data.categories.map(Number) : [],
      tags: Array.isArray(data.tags) ? data.tags.map(Number) : [],
      meta: isObject(data.meta) || Array.isArray(data.meta) ? (data.meta as WpPost['meta']) : {},
      title: text(data.title),
      content: text(data.content),
      excerpt: text(data.excerpt),
    };
  }
}

/**
 * What WordPress did not take from `sent` (it answers 201 even when it drops a featured_media or
 * term id it does not know, or meta that is not registered). Empty: everything arrived.
 */
export function postMismatches(post: WpPost, sent: WpPostFields): string[] {
  const problems: string[] = [];
  if (sent.featured_media !== undefined && post.featured_media !== sent.featured_media) {
    problems.push(`featured image: sent media ${sent.featured_media}, WordPress kept ${post.featured_media || 'none'}`);
  }
  for (const taxonomy of ['categories', 'tags'] as const) {
    const missing = (sent[taxonomy] ?? []).filter((id) => !post[taxonomy].includes(id));
    if (missing.length) problems.push(`${taxonomy}: WordPress dropped term id(s) ${missing.join(', ')}`);
  }
  if (sent.status && post.status !== sent.status)
    problems.push(`status: asked for ${sent.status}, WordPress says ${post.status}`);
  // Titles may come back entity-encoded (kses, for users without unfiltered_html): compare the text.
  const titleText = (t: string) =>
    decodeWpText(t.replace(/<[^>]*>/g, ''))
      .replace(/\s+/g, ' ')
      .trim();
  if (sent.title !== undefined && post.title.raw !== undefined && titleText(post.title.raw) !== titleText(sent.title))
    problems.push('title: WordPress stored a different title');
  const meta = Array.isArray(post.meta) ? {} : post.meta;
  for (const key of Object.keys(sent.meta ?? {})) {
    if (!(key in meta)) problems.push(`meta ${key}: not stored (not registered for the REST API)`);
  }
  return problems;
}
