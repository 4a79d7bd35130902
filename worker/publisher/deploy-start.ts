/**
 * Starting a deploy (the deploy route, and H4's publish/unpublish to IGNY8): the site's directory
 * row, the next version's deployment record, and the `deploy_site` job in the site's coordinator.
 * One deploy at a time per site: a record still deploying (its job alive) refuses the next with
 * 409 `deploy_in_progress`, and two starts racing for the same version lose on the unique index
 * (account, site, version) the same way.
 */
import { and, desc, eq, inArray, isNull, max } from 'drizzle-orm';
import type { Context } from 'hono';
import { TERMINAL_STATUSES, type JobView } from '../../core/ai/jobs';
import { deploymentRecords, sites } from '../../core/schema/shard';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import type { AppEnv, Env } from '../env';
import { ApiError, Conflict, NotFound } from '../http/errors';
import type { Tenant } from '../middleware/tenant';
import type { DeployInput } from './deploy-site';
import { ensureSiteDirectory, type SiteDirectoryRow } from './site-directory';

export type DeploymentRow = typeof deploymentRecords.$inferSelect;

export interface StartSiteDeploy {
  siteId: number;
  /** Optional for an incremental deploy: the blueprint of the live version is used. */
  blueprintId?: number;
  kind: 'full' | 'incremental';
  contentId?: number;
  action?: 'publish' | 'unpublish';
  /** Default: https://<hostname>/ when the site has one, else <request origin>/s/<slug>/. */
  baseUrl?: string;
}

/** The API's Deployment (site-spec.md). */
export interface DeploymentView {
  id: number;
  site_id: number;
  blueprint_id: number;
  version: number;
  kind: DeploymentRow['kind'];
  status: DeploymentRow['status'];
  files: number;
  bytes: number;
  files_changed: number;
  duration_ms: number;
  error_message: string | null;
  job_id: string | null;
  deployed_at: string | null;
  created_at: string;
  is_live: boolean;
  url: string | null;
  preview_url: string | null;
}

/** A job older than this that the coordinator no longer knows has been lost: its record stops blocking. */
const LOST_JOB_AFTER_MS = 60_000;

/** The root URL of the site as served: its custom hostname, else /s/<slug>/ on the app's origin. */
export function siteBaseUrl(origin: string, dir: Pick<SiteDirectoryRow, 'slug' | 'hostname'>): string {
  return dir.hostname ? `https://${dir.hostname}/` : `${origin}/s/${dir.slug}/`;
}

export function deploymentView(row: DeploymentRow, dir: SiteDirectoryRow | null, origin: string): DeploymentView {
  const deployed = row.deployed_at !== null && (row.status === 'deployed' || row.status === 'rolled_back');
  return {
    id: row.id,
    site_id: row.site_id,
    blueprint_id: row.site_blueprint_id,
    version: row.version,
    kind: row.kind,
    status: row.status,
    files: row.files,
    bytes: row.bytes,
    files_changed: row.files_changed,
    duration_ms: row.duration_ms,
    error_message: row.error_message,
    job_id: row.job_id,
    deployed_at: row.deployed_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    is_live: !!dir && dir.live_deployment_id === row.id,
    url: dir ? siteBaseUrl(origin, dir) : null,
    preview_url: dir && deployed ? `/s/${dir.slug}/_v/${row.version}/` : null,
  };
}

/**
 * What a deploy is started from: a route's Hono context, or anything with the bindings and a URL
 * whose origin names the app (the scheduler's alarm has no request).
 */
export type DeployCaller = Pick<Context<AppEnv>, 'env'> & { req: { url: string } };

/** The deploy job's id: one per (site, version), so a replayed start names the same job. */
const deployJobId = (accountId: number, siteId: number, version: number) => `deploy-${accountId}-${siteId}-${version}`;

/**
 * Starts a deploy of the site (the caller checked the member may write to it): returns the new
 * deployment record and its job (202 for the route). Throws 409 `deploy_in_progress` while
 * another deploy of the site runs, 409 `site_not_deployed` for an incremental deploy of a site
 * with nothing live.
 */
export async function startSiteDeploy(
  c: DeployCaller,
  tenant: Tenant,
  opts: StartSiteDeploy,
): Promise<{ deployment: DeploymentView; job: JobView }> {
  const env = c.env;
  const origin = new URL(c.req.url).origin;
  const site = await tenant.db
    .select({ slug: sites.slug })
    .from(sites)
    .where(and(eq(sites.account_id, tenant.account.id), eq(sites.id, opts.siteId)))
    .get();
  if (!site) throw new NotFound('Site');
  const scope = { accountId: tenant.account.id, siteId: opts.siteId };
  const dir = await ensureSiteDirectory(env, { ...scope, shard: tenant.shard, slug: site.slug });
  await refuseWhileDeploying(env, tenant, opts.siteId);
  const blueprintId = opts.blueprintId ?? (await liveBlueprintOf(tenant, dir));
  const [{ top } = { top: null }] = await tenant.db
    .select({ top: max(deploymentRecords.version) })
    .from(deploymentRecords)
    .where(and(eq(deploymentRecords.account_id, scope.accountId), eq(deploymentRecords.site_id, scope.siteId)));
  const version = (top ?? 0) + 1;
  const jobId = deployJobId(scope.accountId, scope.siteId, version);
  let row: DeploymentRow | undefined;
  try {
    row = await tenant.db
      .insert(deploymentRecords)
      .values({
        account_id: scope.accountId,
        site_id: scope.siteId,
        site_blueprint_id: blueprintId,
        version,
        kind: opts.kind,
        status: 'deploying',
        job_id: jobId,
        created_by_user_id: tenant.user.id,
      })
      .returning()
      .get();
  } catch (err) {
    if (/UNIQUE/i.test(String((err as Error)?.message ?? err))) throw deployInProgress();
    throw err;
  }
  const input: DeployInput = {
    deployment_id: row.id,
    blueprint_id: blueprintId,
    kind: opts.kind,
    ...(opts.contentId ? { content_id: opts.contentId } : {}),
    ...(opts.action ? { action: opts.action } : {}),
    base_url: opts.baseUrl ?? siteBaseUrl(origin, dir),
    version,
    previous_version: dir.live_version,
    built_at: Date.now(),
  };
  const result = await coordinatorOf(env, scope.accountId, scope.siteId).enqueue({
    id: jobId,
    account_id: scope.accountId,
    shard: tenant.shard,
    site_id: scope.siteId,
    user_id: tenant.user.id,
    user_name: tenant.user.name || tenant.user.email,
    function: 'deploy_site',
    input,
  });
  if (!result.ok) {
    await markFailed(tenant, row.id, result.message);
    throw new ApiError(400, result.message, 'invalid_job_input');
  }
  return { deployment: deploymentView(row, dir, origin), job: result.job };
}

const deployInProgress = () =>
  new Conflict('Another deploy of this site is still running: wait for it to finish.', 'deploy_in_progress');

/** 409 while a deploy of the site runs; a record whose job ended without settling it (lost) is failed now. */
async function refuseWhileDeploying(env: Env, tenant: Tenant, siteId: number) {
  const running = await tenant.db
    .select()
    .from(deploymentRecords)
    .where(
      and(
        eq(deploymentRecords.account_id, tenant.account.id),
        eq(deploymentRecords.site_id, siteId),
        inArray(deploymentRecords.status, ['pending', 'deploying']),
      ),
    )
    .orderBy(desc(deploymentRecords.id))
    .all();
  for (const record of running) {
    const job = record.job_id ? await coordinatorOf(env, tenant.account.id, siteId).getJob(record.job_id) : null;
    const alive = job ? !TERMINAL_STATUSES.includes(job.status) : isYoung(record);
    if (alive) throw deployInProgress();
    await markFailed(tenant, record.id, job?.error ?? 'The deploy job was lost before it finished.');
  }
}

const isYoung = (record: DeploymentRow) => Date.now() - record.created_at.getTime() < LOST_JOB_AFTER_MS;

async function markFailed(tenant: Tenant, id: number, reason: string) {
  await tenant.db
    .update(deploymentRecords)
    .set({ status: 'failed', error_message: reason.slice(0, 1000), updated_at: new Date() })
    .where(
      and(
        eq(deploymentRecords.account_id, tenant.account.id),
        eq(deploymentRecords.id, id),
        inArray(deploymentRecords.status, ['pending', 'deploying']),
        // A record whose version went live (deployed_at) is never called failed.
        isNull(deploymentRecords.deployed_at),
      ),
    );
}

/** The blueprint of the site's live version (an article published to IGNY8 goes into it). */
async function liveBlueprintOf(tenant: Tenant, dir: SiteDirectoryRow): Promise<number> {
  const live = dir.live_deployment_id
    ? await tenant.db
        .select({ blueprint: deploymentRecords.site_blueprint_id })
        .from(deploymentRecords)
        .where(
          and(eq(deploymentRecords.account_id, tenant.account.id), eq(deploymentRecords.id, dir.live_deployment_id)),
        )
        .get()
    : undefined;
  if (!live)
    throw new ApiError(
      409,
      'This site has no live version yet: deploy it from the Site Builder first.',
      'site_not_deployed',
    );
  return live.blueprint;
}
