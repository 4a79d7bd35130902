/**
 * `deploy_site`: renders a blueprint's site into R2 and makes it live (issue 12). No model call:
 * run() renders a batch of ~50 files itself, and the job costs no credits. It runs in the site's
 * coordinator like every job, so members see its progress on the site socket, a cancel stops it
 * between batches, and a restart resumes it (the model is reloaded from D1, same snapshot time).
 *
 *   prepare  which files to render (full: all; incremental: those showing the article, in the
 *            old version or the new one) and which binaries to copy, in batches
 *   run      render, sha-256, write the blobs R2 does not have yet (content-addressed)
 *   commit   write the version's manifest, then flip site_directory.live_version (THE moment the
 *            public site changes), then note the stats on the deployment record
 *   save     the record turns 'deployed'; the inventory learns the pages' and articles' URLs
 *   abandon  failed or cancelled: the record says why; the live version was never touched
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { deploymentRecords } from '../../core/schema/shard';
import { absoluteUrl, sitePaths } from '../../core/site/paths';
import type { SiteManifest } from '../../core/site/model';
import {
  chunk,
  InvalidJobInput,
  type AiBatch,
  type AiFunctionDefinition,
  type FunctionContext,
} from '../../durable-objects/site-coordinator/engine/ai-function';
import { articleUrlsStatement, builderPagesStatements } from '../inventory/service';
import { ProviderError } from '../lib/ai-provider';
import { blueprintDeployedStatement } from '../site-builder/service';
import { type DeployState, forgetDeployState, deployStateOf, loadedDeployState, renderEntry } from './deploy-state';
import { readArticleIndex, siteKeys, type ArticleIndex } from './deploy-files';
import { flipLiveVersion } from './site-directory';

/** Files per batch: one run() renders and writes these (a few hundred ms of CPU and R2 round trips). */
export const FILES_PER_BATCH = 50;

export const deployInput = z.object({
  deployment_id: z.number().int().positive(),
  blueprint_id: z.number().int().positive(),
  kind: z.enum(['full', 'incremental']),
  content_id: z.number().int().positive().optional(),
  action: z.enum(['publish', 'unpublish']).optional(),
  /** The site's root URL, ending in "/". */
  base_url: z.string().url(),
  /** The version this deploy writes, and the one live when it started (the incremental base). */
  version: z.number().int().positive(),
  previous_version: z.number().int().positive().nullable(),
  /** The model's snapshot time: the same on a reload, so a redelivered batch renders the same bytes. */
  built_at: z.number().int().positive(),
});
export type DeployInput = z.output<typeof deployInput>;

/** One file to write: rendered from the plan, or a binary copied from MEDIA. */
type Item = { path: string; copy?: { source: string; type: string } };
type Meta = { job: DeployInput; batches: number; files: number };
export type FileEntry = SiteManifest['files'][string];
type Parsed = { files: Record<string, FileEntry>; written: number; bytes_written: number };

export const deploySite: AiFunctionDefinition<DeployInput, Meta, Parsed> = {
  name: 'deploy_site',
  // Never read: a function with run() asks no model (engine.prepare skips the prompt).
  promptType: 'site_structure',
  unitPlural: 'batches of files',
  input: deployInput,
  reserve: () => 0,
  // Rendering asks no model: no AI key needed, and a deploy never waits behind the account's AI calls.
  localWork: { maxConcurrency: 4, requestsPerMinute: 6000 },

  async prepare(ctx, input) {
    const state = await deployStateOf(ctx, input);
    const items = await filesToWrite(ctx, input, state);
    const groups = chunk(items, FILES_PER_BATCH);
    // An incremental deploy that changes nothing still writes its manifest (one empty batch).
    if (!groups.length) groups.push([]);
    const what =
      input.kind === 'full'
        ? `Deploying version ${input.version}`
        : `${input.action === 'unpublish' ? 'Unpublishing' : 'Publishing'} an article (version ${input.version})`;
    return {
      summary: `${what}: ${items.length} files`,
      batches: groups.map((group, index) => ({
        index,
        input: group,
        meta: { job: input, batches: groups.length, files: group.length },
      })),
    };
  },

  progress(done, all) {
    const count = (batches: AiBatch<Meta>[]) => batches.reduce((n, b) => n + b.meta.files, 0);
    return `Rendering ${count(done)} of ${count(all)} files`;
  },

  async run(env, ctx, batch, _provider, _timeoutMs, signal) {
    const state = await deployStateOf(ctx, batch.meta.job);
    const parsed: Parsed = { files: {}, written: 0, bytes_written: 0 };
    const items = batch.input as Item[];
    try {
      // A few files at a time: R2 round trips overlap, the CPU of rendering stays bounded.
      for (const group of chunk(items, 8)) {
        if (signal.aborted) throw new Error('The deploy was stopped.');
        const written = await Promise.all(group.map((item) => renderEntry(env, ctx, state, item)));
        for (const [i, result] of written.entries()) {
          if (!result) continue;
          parsed.files[group[i]!.path] = result.entry;
          if (result.written) {
            parsed.written++;
            parsed.bytes_written += result.entry.size;
          }
        }
      }
    } catch (err) {
      if (err instanceof InvalidJobInput || signal.aborted) throw err;
      // R2 hiccups are retried like a provider's 5xx (the batch is idempotent: blobs are content-addressed).
      throw new ProviderError('server_error', `Writing the site's files failed: ${(err as Error)?.message ?? err}`);
    }
    return { parsed, tokensIn: 0, tokensOut: 0, model: 'renderer' };
  },

  async commit(ctx, prepared, parsed) {
    const job = prepared.batches[0]!.meta.job;
    const state = await deployStateOf(ctx, job);
    const manifest = await manifestOf(ctx, state, job, parsed);
    const keys = siteKeys(ctx.accountId, ctx.siteId);
    const bucket = ctx.env.MEDIA;
    // The manifest first, then the pointer: the live pointer never names a manifest that isn't there.
    await bucket.put(keys.manifest(job.version), JSON.stringify(manifest), {
      httpMetadata: { contentType: 'application/json' },
    });
    await bucket.put(keys.articles(job.version), JSON.stringify(articleIndexOf(state)), {
      httpMetadata: { contentType: 'application/json' },
    });
    await flipLiveVersion(ctx.env, {
      accountId: ctx.accountId,
      siteId: ctx.siteId,
      version: job.version,
      deploymentId: job.deployment_id,
    });
    const files = Object.values(manifest.files);
    const record = await ctx.db
      .select({ created_at: deploymentRecords.created_at })
      .from(deploymentRecords)
      .where(and(eq(deploymentRecords.account_id, ctx.accountId), eq(deploymentRecords.id, job.deployment_id)))
      .get();
    // deployed_at marks "flipped": save() and abandon() read it (see below).
    await ctx.db
      .update(deploymentRecords)
      .set({
        files: files.length,
        bytes: files.reduce((n, f) => n + f.size, 0),
        files_changed: parsed.reduce((n, p) => n + p.written, 0),
        duration_ms: Date.now() - (record?.created_at?.getTime() ?? Date.now()),
        deployed_version: job.version,
        deployment_url: job.base_url,
        deployed_at: new Date(),
      })
      .where(and(eq(deploymentRecords.account_id, ctx.accountId), eq(deploymentRecords.id, job.deployment_id)));
    state.committed = true;
  },

  save(ctx, prepared, parsed) {
    const job = prepared.batches[0]?.meta.job;
    // A job that failed part-way is settled with the batches it delivered: nothing went live then.
    if (!job || parsed.length < prepared.batches[0]!.meta.batches)
      return { statements: [], charge: 0, result: {}, changed: [] };
    const state = loadedDeployState(ctx.jobId);
    const statements = [
      // Only a deploy whose commit flipped the pointer (deployed_at set) is marked deployed.
      sql`UPDATE deployment_records SET status = 'deployed', error_message = NULL, updated_at = ${Date.now()}
           WHERE account_id = ${ctx.accountId} AND id = ${job.deployment_id} AND deployed_at IS NOT NULL`,
      ...(state?.committed
        ? [
            blueprintDeployedStatement(ctx.db, ctx.accountId, job.blueprint_id, state.blueprintVersion),
            ...inventoryStatements(ctx, state),
          ]
        : []),
    ];
    const files = parsed.reduce((n, p) => n + Object.keys(p.files).length, 0);
    return {
      statements,
      charge: 0,
      result: {
        deployment_id: job.deployment_id,
        version: job.version,
        files_rendered: files,
        files_changed: parsed.reduce((n, p) => n + p.written, 0),
        url: job.base_url,
      },
      changed: ['blueprints', 'deployments'],
    };
  },

  async delivered(ctx) {
    forgetDeployState(ctx.jobId);
  },

  abandon(ctx, input, ended) {
    forgetDeployState(ctx.jobId);
    const reason = ended?.status === 'cancelled' ? ended.reason : (ended?.reason ?? 'The deploy failed.');
    return {
      // A record whose pointer already flipped (deployed_at) stays what it is: the site did go live.
      statements: [
        sql`UPDATE deployment_records SET status = 'failed', error_message = ${reason.slice(0, 1000)},
                   updated_at = ${Date.now()}
             WHERE account_id = ${ctx.accountId} AND id = ${input.deployment_id} AND deployed_at IS NULL
               AND status IN ('pending', 'deploying')`,
      ],
      changed: ['blueprints', 'deployments'],
    };
  },
};

/**
 * What this deploy writes. Full: every planned file and every binary. Incremental: the files whose
 * articles include the content in the new plan or in the live version's article index, files the
 * live version lacks, and binaries it lacks; everything else is carried over from its manifest.
 */
async function filesToWrite(ctx: FunctionContext, input: DeployInput, state: DeployState): Promise<Item[]> {
  const previous = state.previous;
  const binaries = state.model.binaries.filter((b) => !previous?.files[b.path]);
  const copies = binaries.map((b) => ({ path: b.path, copy: { source: b.sourceKey, type: b.contentType } }));
  const planned = [...state.planned.values()];
  const incremental = input.kind === 'incremental' && previous && input.content_id;
  if (!incremental) return [...planned.map((f) => ({ path: f.path })), ...copies];
  const oldIndex: ArticleIndex =
    (await readArticleIndex(ctx.env.MEDIA, ctx.accountId, ctx.siteId, previous.version)) ?? {};
  const id = input.content_id!;
  const touched = planned.filter(
    (f) => f.articleIds.includes(id) || oldIndex[f.path]?.includes(id) || !previous.files[f.path],
  );
  return [...touched.map((f) => ({ path: f.path })), ...copies];
}

/**
 * The new version's file list: what the batches wrote, else (incremental) the live version's entry
 * for a path the plan still has. A path neither has (the data changed after a restart reloaded
 * it) is rendered here, so the manifest never lists a blob that was not written.
 */
async function manifestOf(
  ctx: FunctionContext,
  state: DeployState,
  job: DeployInput,
  parsed: Parsed[],
): Promise<SiteManifest> {
  const written: Record<string, FileEntry> = Object.assign({}, ...parsed.map((p) => p.files));
  const paths = [...state.planned.keys(), ...state.model.binaries.map((b) => b.path)].sort();
  const files: Record<string, FileEntry> = {};
  for (const path of paths) {
    const entry = written[path] ?? state.previous?.files[path];
    if (entry) {
      files[path] = entry;
      continue;
    }
    const binary = state.model.binaries.find((b) => b.path === path);
    const item = binary ? { path, copy: { source: binary.sourceKey, type: binary.contentType } } : { path };
    const rendered = await renderEntry(ctx.env, ctx, state, item);
    if (rendered) files[path] = rendered.entry;
  }
  return { format: 1, version: job.version, createdAt: job.built_at, files };
}

function articleIndexOf(state: DeployState): ArticleIndex {
  const index: ArticleIndex = {};
  for (const file of state.planned.values()) if (file.articleIds.length) index[file.path] = file.articleIds;
  return index;
}

/** The inventory learns the deployed site's addresses: builder pages (kind 'page') and live articles. */
function inventoryStatements(ctx: FunctionContext, state: DeployState) {
  const { model } = state;
  const pages = model.pages.map((p) => ({
    id: p.id,
    url: absoluteUrl(model.baseUrl, sitePaths.page(p.slug)),
    title: p.title,
  }));
  const urls: Record<number, string> = {};
  for (const a of model.articles) urls[a.id] = absoluteUrl(model.baseUrl, sitePaths.article(a.slug));
  return [
    ...builderPagesStatements(ctx.accountId, ctx.siteId, pages),
    articleUrlsStatement(ctx.accountId, ctx.siteId, urls),
  ];
}
