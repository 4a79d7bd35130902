import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { and, eq } from 'drizzle-orm';
import { content, images } from '../../core/schema/shard';
import { call, type Session } from './api';
import { shardBinding, type AccountFx } from './fixtures';

export type ContentRow = typeof content.$inferSelect;
export type ImageRow = typeof images.$inferSelect;

/**
 * The real WordPress the publishing suites run against (tests/setup/wordpress.ts starts it and
 * hands its URL and Application Password to the Worker as WP_TEST_* bindings), plus direct reads
 * of WordPress's own REST API, so a test checks what WordPress stored, not what we said we sent.
 */
type WpBindings = {
  WP_TEST_URL?: string;
  WP_TEST_USER?: string;
  WP_TEST_APP_PASSWORD?: string;
  WP_TEST_ERROR?: string;
};

export function wordpress() {
  const b = env as unknown as WpBindings;
  if (!b.WP_TEST_URL || !b.WP_TEST_USER || !b.WP_TEST_APP_PASSWORD) {
    throw new Error(
      `The test WordPress is not available: ` +
        `${b.WP_TEST_ERROR || 'no WP_TEST_URL binding (is tests/setup/wordpress.ts in globalSetup?)'}`,
    );
  }
  return { url: b.WP_TEST_URL, user: b.WP_TEST_USER, appPassword: b.WP_TEST_APP_PASSWORD };
}

/** A request straight to WordPress's REST API as the test admin; JSON back. */
export async function wpApi<T = any>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  const wp = wordpress();
  const res = await fetch(`${wp.url}/wp-json/wp/v2${path}`, {
    method,
    headers: {
      authorization: `Basic ${btoa(`${wp.user}:${wp.appPassword}`)}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data: any = text;
  try {
    data = JSON.parse(text);
  } catch {
    /* HTML */
  }
  return { status: res.status, data };
}

/** Saves the test WordPress as the site's connection (owner or admin). */
export async function connectSite(s: Session, siteId: number, overrides: Record<string, string> = {}) {
  const wp = wordpress();
  const res = await call('PUT', `/api/v1/publisher/sites/${siteId}/wordpress/`, {
    token: s.token,
    body: { wp_url: wp.url, wp_username: wp.user, wp_app_password: wp.appPassword, ...overrides },
  });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

// ---------------------------------------------------------------- images

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

async function zlibStored(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A real PNG: `size`×`size` pixels of one RGB colour (so every test image is a different file). */
export async function pngBytes(rgb: [number, number, number], size = 8): Promise<Uint8Array> {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, size);
  v.setUint32(4, size);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = new Uint8Array(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    for (let x = 0; x < size; x++) raw.set(rgb, row + 1 + x * 3);
  }
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', await zlibStored(raw)),
    chunk('IEND', new Uint8Array()),
  ];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const png = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    png.set(p, at);
    at += p.length;
  }
  return png;
}

// ---------------------------------------------------------------- shard rows (the writer's tables, filled directly)

export const shardOrm = (fx: AccountFx) => drizzle(shardBinding(fx.shard));

let seq = 0;
export const unique = (label: string) => `${label} ${Date.now().toString(36)}${(++seq).toString(36)}`;

export async function insertContent(
  fx: AccountFx,
  site: { id: number; sectorId: number },
  fields: Partial<ContentRow> = {},
): Promise<ContentRow> {
  const [row] = await shardOrm(fx)
    .insert(content)
    .values({
      account_id: fx.accountId,
      site_id: site.id,
      sector_id: site.sectorId,
      title: unique('Post'),
      html_content: '<p>Hello world, this is a test post.</p>',
      ...fields,
    })
    .returning();
  return row!;
}

/** An image row of `contentRow` whose file is put in R2 (env.MEDIA) under the account/site key. */
export async function insertImage(
  fx: AccountFx,
  contentRow: ContentRow,
  fields: Partial<ImageRow> & { image_type: 'featured' | 'in_article' },
  file: { bytes: Uint8Array; type: string; ext?: string },
): Promise<ImageRow> {
  const key = `accounts/${fx.accountId}/sites/${contentRow.site_id}/images/${crypto.randomUUID()}.${file.ext ?? 'png'}`;
  await env.MEDIA.put(key, file.bytes, { httpMetadata: { contentType: file.type } });
  const [row] = await shardOrm(fx)
    .insert(images)
    .values({
      account_id: fx.accountId,
      site_id: contentRow.site_id,
      sector_id: contentRow.sector_id,
      content_id: contentRow.id,
      r2_key: key,
      mime_type: file.type,
      status: 'generated',
      ...fields,
    })
    .returning();
  return row!;
}

export async function contentRow(fx: AccountFx, id: number): Promise<ContentRow> {
  return (await shardOrm(fx)
    .select()
    .from(content)
    .where(and(eq(content.account_id, fx.accountId), eq(content.id, id)))
    .get())!;
}
