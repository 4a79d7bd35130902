/**
 * `sync_integration` (issue 13, scope 3): a site's WordPress posts, pages, categories and tags into the
 * site inventory (titles, URLs, prominent terms; never bodies), so the Linker can link to them, and
 * drift found on the way (our articles edited in WordPress after our last publish). No model call:
 * like `deploy_site` it runs in the site's coordinator as a local job (progress on the site socket,
 * cancel between pages, resumed after a restart) and costs no credits.
 *
 *   prepare  counts each list (one `per_page=1` read each: X-WP-Total), one batch per page of 100
 *   run      reads its page with `_fields`; a re-sync reads ids and modified times first and fetches
 *            bodies only of the posts that changed; terms computed here, bodies dropped
 *   save     upserts the rows that changed, opens drift rows, and (all pages read) removes the rows
 *            WordPress no longer has; the integration's sync status and a 'sync' history line
 *   abandon  failed or cancelled: the integration says why (rows already saved stay: they are true)
 */
import { z } from 'zod';
import {
  type AiBatch,
  type AiFunctionDefinition,
  type FunctionContext,
  InvalidJobInput,
} from '../../../durable-objects/site-coordinator/engine/ai-function';
import { ApiError } from '../../http/errors';
import {
  dropOwnArticlesFromRemoteStatement,
  hasRemotePages,
  type RemotePage,
  remoteModifiedOf,
  remotePagesStatements,
  removeRemotePagesStatements,
} from '../../inventory/service';
import { ProviderError } from '../../lib/ai-provider';
import { integrationById, wordpressClientFor, type IntegrationRow } from '../connection';
import { recordEventStatement, syncStateStatement } from '../service';
import { WordPressError, type WordPressClient } from '../wordpress-client';
import { type DriftHit, isDrift, openDriftStatement, ownArticlesOf } from './drift';
import { languageOf, remotePageOf } from './remote-page';
import { PER_PAGE, readPage, WP_OBJECT_TYPES, type WpItem, type WpObjectType } from './wordpress-pull';

const syncInput = z.object({ integration_id: z.number().int().positive() });
type SyncInput = z.output<typeof syncInput>;

type Kind = RemotePage['kind'];
const kindOf = (type: WpObjectType): Kind => (type === 'posts' || type === 'pages' ? 'wordpress' : 'wordpress_term');

type Meta = {
  integration_id: number;
  type: WpObjectType;
  /** 1-based; 0: the one empty batch of a site with nothing to read. */
  page: number;
  items: number;
  totals: Record<WpObjectType, number>;
  /** No row of this kind stored yet: read bodies at once (nothing can be skipped). */
  first_sync: boolean;
  language: string;
  /** Requests prepare() made (the counts). */
  prepare_requests: number;
};

type Parsed = {
  kind: Kind;
  /** Ids WordPress listed on this page (minus our own articles): a full sync keeps exactly these. */
  seen: number[];
  upserts: RemotePage[];
  unchanged: number;
  own: number;
  drift: DriftHit[];
  requests: number;
};

/** Pages read at once per site: a user's WordPress (often a small PHP host) is not hammered. */
const CONCURRENT_READS = 3;

/** A WordPress failure as the engine's retry rules read it: outages are retried, refusals are not. */
function asProviderError(err: unknown): unknown {
  if (!(err instanceof WordPressError)) return err;
  switch (err.code) {
    case 'wp_timeout':
      return new ProviderError('timeout', err.message);
    case 'wp_unreachable':
      return new ProviderError('network', err.message);
    case 'wp_server_error':
      return new ProviderError('server_error', err.message, null, err.detail.status ?? null);
    case 'wp_auth_failed':
    case 'wp_forbidden':
      return new ProviderError('auth', err.message, null, err.detail.status ?? null);
    default:
      return new ProviderError('bad_request', err.message, null, err.detail.status ?? null);
  }
}

async function integrationFor(ctx: FunctionContext, id: number): Promise<IntegrationRow> {
  const integration = await integrationById(ctx.db, ctx.accountId, id);
  if (!integration || integration.site_id !== ctx.siteId || integration.platform !== 'wordpress')
    throw new InvalidJobInput('This WordPress integration no longer exists.');
  return integration;
}

async function clientFor(ctx: FunctionContext, integration: IntegrationRow): Promise<WordPressClient> {
  try {
    return await wordpressClientFor(ctx.env, integration);
  } catch (err) {
    if (err instanceof ApiError || err instanceof WordPressError) throw new InvalidJobInput(err.message);
    throw err;
  }
}

/** The page's items that need their row written: new, or changed in WordPress since the last sync. */
async function changedItems(ctx: FunctionContext, kind: Kind, items: WpItem[]) {
  const stored = await remoteModifiedOf(
    ctx.db,
    ctx.accountId,
    ctx.siteId,
    kind,
    items.map((i) => i.id),
  );
  return items.filter((i) => {
    const row = stored.get(i.id);
    return !row || row.modified !== i.modifiedAt || row.url !== i.link || row.title !== i.title;
  });
}

async function readBatch(ctx: FunctionContext, client: WordPressClient, meta: Meta): Promise<Parsed> {
  const kind = kindOf(meta.type);
  const parsed: Parsed = { kind, seen: [], upserts: [], unchanged: 0, own: 0, drift: [], requests: 0 };
  if (meta.page === 0) return parsed;
  const isPost = kind === 'wordpress';
  // Terms are small (name, description): always read whole. A first sync of posts too (nothing to skip).
  const bodiesAtOnce = !isPost || meta.first_sync;
  const listed = await readPage(client, meta.type, meta.page, { withBody: bodiesAtOnce });
  parsed.requests++;
  let items = listed.items;
  if (meta.type === 'posts') {
    const own = await ownArticlesOf(
      ctx.db,
      ctx.accountId,
      ctx.siteId,
      items.map((i) => i.id),
    );
    for (const item of items) {
      const article = own.get(item.id);
      if (article && item.modifiedAt !== null && isDrift(item.modifiedAt, article.lastPublishedAt))
        parsed.drift.push({ ...article, remoteModifiedAt: item.modifiedAt });
    }
    parsed.own = own.size;
    items = items.filter((i) => !own.has(i.id));
  }
  parsed.seen = items.map((i) => i.id);
  // A first sync stored nothing of this kind yet: every item is new (no lookup needed).
  const changed = meta.first_sync ? items : await changedItems(ctx, kind, items);
  parsed.unchanged = items.length - changed.length;
  let withBodies = changed;
  if (!bodiesAtOnce && changed.length) {
    // A re-sync: only the posts that changed are read with their bodies (one request for the page's changes).
    const full = await readPage(client, meta.type, 1, { withBody: true, include: changed.map((i) => i.id) });
    parsed.requests++;
    withBodies = full.items;
  }
  parsed.upserts = withBodies.map((item) => remotePageOf(item, kind, meta.language));
  return parsed;
}

const sum = (parsed: Parsed[], f: (p: Parsed) => number) => parsed.reduce((n, p) => n + f(p), 0);

export const syncIntegration: AiFunctionDefinition<SyncInput, Meta, Parsed> = {
  name: 'sync_integration',
  // Never read: a function with run() asks no model (engine.prepare skips the prompt).
  promptType: 'site_structure',
  unitPlural: 'pages of WordPress items',
  input: syncInput,
  reserve: () => 0,
  localWork: { maxConcurrency: CONCURRENT_READS, requestsPerMinute: 600 },

  async prepare(ctx, input) {
    const integration = await integrationFor(ctx, input.integration_id);
    const client = await clientFor(ctx, integration);
    let counts: { type: WpObjectType; total: number }[];
    try {
      counts = await Promise.all(
        WP_OBJECT_TYPES.map(async (type) => ({
          type,
          total: (await readPage(client, type, 1, { perPage: 1 })).total,
        })),
      );
    } catch (err) {
      if (err instanceof WordPressError) throw new InvalidJobInput(err.message);
      throw err;
    }
    const [postsStored, termsStored, language] = await Promise.all([
      hasRemotePages(ctx.db, ctx.accountId, ctx.siteId, 'wordpress'),
      hasRemotePages(ctx.db, ctx.accountId, ctx.siteId, 'wordpress_term'),
      languageOf(ctx.db, ctx.accountId),
      syncStateStatement(ctx.db, integration, { sync_status: 'running', sync_error: null }),
    ]);
    const totals = Object.fromEntries(counts.map((c) => [c.type, c.total])) as Record<WpObjectType, number>;
    const base = {
      integration_id: integration.id,
      totals,
      language,
      prepare_requests: counts.length,
    };
    const batches: AiBatch<Meta>[] = [];
    for (const { type, total } of counts) {
      const first_sync = !(kindOf(type) === 'wordpress' ? postsStored : termsStored);
      for (let page = 1; page <= Math.ceil(total / PER_PAGE); page++) {
        const items = Math.min(PER_PAGE, total - (page - 1) * PER_PAGE);
        const meta: Meta = { ...base, type, page, items, first_sync };
        batches.push({ index: batches.length, input: { type, page }, meta });
      }
    }
    // Nothing in WordPress: one empty batch, so save() still clears what an earlier sync stored.
    if (!batches.length)
      batches.push({ index: 0, input: {}, meta: { ...base, type: 'posts', page: 0, items: 0, first_sync: false } });
    return {
      summary:
        `Syncing WordPress: ${totals.posts} posts, ${totals.pages} pages, ` +
        `${totals.categories + totals.tags} categories and tags`,
      batches,
      changed: ['integrations'],
    };
  },

  progress(done, all) {
    const totals = all[0]?.meta.totals ?? { posts: 0, pages: 0, categories: 0, tags: 0 };
    const of = (types: WpObjectType[]) =>
      done.filter((b) => types.includes(b.meta.type)).reduce((n, b) => n + b.meta.items, 0);
    const parts = [`Synced ${of(['posts'])} of ${totals.posts} posts`];
    if (totals.pages) parts.push(`${of(['pages'])} of ${totals.pages} pages`);
    const terms = totals.categories + totals.tags;
    if (terms) parts.push(`${of(['categories', 'tags'])} of ${terms} categories and tags`);
    return parts.join(', ');
  },

  async run(_env, ctx, batch, _provider, _timeoutMs, signal) {
    if (signal.aborted) throw new Error('The sync was stopped.');
    const integration = await integrationFor(ctx, batch.meta.integration_id);
    const client = await clientFor(ctx, integration);
    try {
      const parsed = await readBatch(ctx, client, batch.meta);
      return { parsed, tokensIn: 0, tokensOut: 0, model: 'wordpress' };
    } catch (err) {
      throw asProviderError(err);
    }
  },

  save(ctx, prepared, parsed) {
    const meta = prepared.batches[0]!.meta;
    const integration = { id: meta.integration_id, account_id: ctx.accountId, site_id: ctx.siteId };
    const complete = parsed.length === prepared.batches.length;
    const upserts = parsed.flatMap((p) => p.upserts);
    const drift = parsed.flatMap((p) => p.drift);
    const seen = (kind: Kind) => parsed.filter((p) => p.kind === kind).flatMap((p) => p.seen);
    const removals = complete
      ? [
          ...removeRemotePagesStatements(ctx.accountId, ctx.siteId, 'wordpress', { keep: seen('wordpress') }),
          ...removeRemotePagesStatements(ctx.accountId, ctx.siteId, 'wordpress_term', {
            keep: seen('wordpress_term'),
          }),
        ]
      : [];
    const result = {
      integration_id: meta.integration_id,
      posts: meta.totals.posts,
      pages: meta.totals.pages,
      terms: meta.totals.categories + meta.totals.tags,
      written: upserts.length,
      unchanged: sum(parsed, (p) => p.unchanged),
      own_articles: sum(parsed, (p) => p.own),
      drift: drift.length,
      requests: meta.prepare_requests + sum(parsed, (p) => p.requests),
    };
    const driftStatement = openDriftStatement(integration, drift);
    const summary =
      `Synced ${result.posts} posts, ${result.pages} pages and ${result.terms} terms: ` +
      `${result.written} written, ${result.unchanged} unchanged` +
      (result.drift ? `, ${result.drift} edited in WordPress since we published them` : '');
    return {
      statements: [
        ...remotePagesStatements(ctx.accountId, ctx.siteId, upserts),
        ...(driftStatement ? [driftStatement] : []),
        ...removals,
        dropOwnArticlesFromRemoteStatement(ctx.accountId, ctx.siteId),
        ...(complete
          ? [
              syncStateStatement(ctx.db, integration, {
                sync_status: 'success',
                sync_error: null,
                last_sync_at: new Date(),
              }),
              recordEventStatement(ctx.db, integration, { kind: 'sync', status: 'ok', summary, detail: result }),
            ]
          : []),
      ],
      charge: 0,
      result,
      changed: ['integrations'],
    };
  },

  abandon(ctx, input, ended) {
    const integration = { id: input.integration_id, account_id: ctx.accountId, site_id: ctx.siteId };
    const reason = ended?.reason ?? 'The sync failed.';
    return {
      statements: [
        syncStateStatement(ctx.db, integration, {
          sync_status: 'failed',
          sync_error: reason.slice(0, 1000),
        }),
        recordEventStatement(ctx.db, integration, {
          kind: 'sync',
          status: 'failed',
          summary: `Sync ${ended?.status === 'cancelled' ? 'cancelled' : 'failed'}: ${reason}`,
        }),
      ],
      changed: ['integrations'],
    };
  },
};
