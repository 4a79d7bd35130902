/**
 * What a running deploy keeps in the coordinator's memory: the loaded SiteModel, its plan and the
 * live version's manifest, per job id, so 20 batches don't reload the site from D1 20 times. After
 * a restart the first batch loads it again (same blueprint, base URL and snapshot time, so the
 * same bytes). Also the one place a file is rendered or copied and written as a blob.
 */
import { and, eq } from 'drizzle-orm';
import { siteBlueprints } from '../../core/schema/shard';
import type { SiteBinary, SiteManifest, SiteModel } from '../../core/site/model';
import { InvalidJobInput, type FunctionContext } from '../../durable-objects/site-coordinator/engine/ai-function';
import type { Env } from '../env';
import { loadSiteModel } from '../site-builder/site-model';
import { planSite, type PlannedFile } from '../site-renderer';
import { bytesOf, readManifest, sha256OfBytes, siteKeys } from './deploy-files';

export interface DeployState {
  model: SiteModel;
  planned: Map<string, PlannedFile>;
  binaries: Map<string, SiteBinary>;
  /** The version live when the deploy started (the incremental base; its blobs need no rewrite). */
  previous: SiteManifest | null;
  /** Blob hashes known to be in R2 already (the previous manifest's, and those this job wrote). */
  known: Set<string>;
  /** The blueprint's version when the model was read (the blueprint records it as deployed). */
  blueprintVersion: number;
  /** Set when commit() flipped the live pointer: save() updates the blueprint and inventory only then. */
  committed: boolean;
}

interface StateKey {
  blueprint_id: number;
  base_url: string;
  built_at: number;
  previous_version: number | null;
}

/** A coordinator runs a few jobs at once; more entries than this are stale (a job lost without abandon). */
const MAX_STATES = 4;
const states = new Map<string, Promise<DeployState>>();
const loaded = new Map<string, DeployState>();

export function deployStateOf(ctx: FunctionContext, key: StateKey): Promise<DeployState> {
  let state = states.get(ctx.jobId);
  if (!state) {
    state = loadState(ctx, key);
    states.set(ctx.jobId, state);
    state.then(
      (s) => loaded.set(ctx.jobId, s),
      () => states.delete(ctx.jobId),
    );
    for (const jobId of [...states.keys()].slice(0, Math.max(0, states.size - MAX_STATES))) forgetDeployState(jobId);
  }
  return state;
}

/** The state if this isolate has it loaded (save() is synchronous). */
export const loadedDeployState = (jobId: string) => loaded.get(jobId) ?? null;

export function forgetDeployState(jobId: string) {
  states.delete(jobId);
  loaded.delete(jobId);
}

async function loadState(ctx: FunctionContext, key: StateKey): Promise<DeployState> {
  const [model, previous, blueprint] = await Promise.all([
    loadSiteModel(ctx.db, {
      accountId: ctx.accountId,
      siteId: ctx.siteId,
      blueprintId: key.blueprint_id,
      baseUrl: key.base_url,
      now: key.built_at,
    }),
    key.previous_version === null ? null : readManifest(ctx.env.MEDIA, ctx.accountId, ctx.siteId, key.previous_version),
    ctx.db
      .select({ version: siteBlueprints.version })
      .from(siteBlueprints)
      .where(and(eq(siteBlueprints.account_id, ctx.accountId), eq(siteBlueprints.id, key.blueprint_id)))
      .get(),
  ]);
  if (!model) throw new InvalidJobInput('The blueprint was deleted or is not this site’s');
  const planned = new Map(planSite(model).map((f) => [f.path, f]));
  const binaries = new Map(model.binaries.map((b) => [b.path, b]));
  const known = new Set(Object.values(previous?.files ?? {}).map((f) => f.hash));
  return { model, planned, binaries, previous, known, blueprintVersion: blueprint?.version ?? 1, committed: false };
}

/**
 * Renders (or copies) one file and writes its blob unless R2 has it: known from the previous
 * manifest or this job, else asked with a HEAD. Null for a binary whose source is gone (the site
 * is deployed without it rather than not at all) or a path the plan no longer has.
 */
export async function renderEntry(
  env: Env,
  ctx: FunctionContext,
  state: DeployState,
  item: { path: string; copy?: { source: string; type: string } },
): Promise<{ entry: { hash: string; size: number; type: string }; written: boolean } | null> {
  let bytes: Uint8Array;
  let type: string;
  if (item.copy) {
    const source = await env.MEDIA.get(item.copy.source);
    if (!source) {
      console.warn(`deploy ${ctx.jobId}: ${item.copy.source} is missing; ${item.path} is left out`);
      return null;
    }
    bytes = new Uint8Array(await source.arrayBuffer());
    type = item.copy.type;
  } else {
    const file = state.planned.get(item.path);
    if (!file) return null;
    const rendered = file.render();
    bytes = bytesOf(rendered.body);
    type = rendered.contentType;
  }
  const hash = await sha256OfBytes(bytes);
  const entry = { hash, size: bytes.byteLength, type };
  if (state.known.has(hash)) return { entry, written: false };
  const key = siteKeys(ctx.accountId, ctx.siteId).blob(hash);
  if (await env.MEDIA.head(key)) {
    state.known.add(hash);
    return { entry, written: false };
  }
  await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: type } });
  state.known.add(hash);
  return { entry, written: true };
}
