import { env, exports } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { clusters, content, pageBlueprints, siteBlueprintClusters, siteBlueprints } from '../../core/schema/shard';
import type { SiteManifest } from '../../core/site/model';
import { call, ORIGIN, type Session } from './api';
import { shardBinding, type AccountFx, type SiteFx } from './fixtures';
import { waitForJob } from './jobs';

/**
 * Deployed-site fixtures (issue 12): a blueprint with pages and a cluster, live articles, a deploy
 * through the API, and raw reads of what the site server answers and what R2 holds.
 */
export const orm = (fx: AccountFx) => drizzle(shardBinding(fx.shard));

let seq = 0;
const tag = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

export async function seedBlueprint(fx: AccountFx, site: SiteFx, opts: { cluster?: boolean; pages?: boolean } = {}) {
  const db = orm(fx);
  const scope = { account_id: fx.accountId, site_id: site.id };
  const [blueprint] = await db
    .insert(siteBlueprints)
    .values({ ...scope, name: `Site ${tag()}`, type: 'blog', theme: 'editorial', config: {} })
    .returning();
  if (opts.pages !== false) {
    await db.insert(pageBlueprints).values([
      {
        ...scope,
        site_blueprint_id: blueprint!.id,
        slug: '',
        title: 'Home',
        type: 'home',
        status: 'ready',
        order: 0,
        blocks: [{ type: 'hero', heading: 'Welcome to the garden', subheading: '', cta_label: '', cta_href: '' }],
      },
      {
        ...scope,
        site_blueprint_id: blueprint!.id,
        slug: 'about',
        title: 'About us',
        type: 'about',
        status: 'ready',
        order: 1,
        blocks: [{ type: 'rich_text', heading: 'Who we are', html: '<p>We grow tomatoes.</p>' }],
      },
    ]);
  }
  let clusterId: number | null = null;
  if (opts.cluster !== false) {
    const name = `tomatoes ${tag()}`;
    const [cluster] = await db
      .insert(clusters)
      .values({ ...scope, sector_id: site.sectorId, name, normalized_name: name })
      .returning();
    clusterId = cluster!.id;
    await db
      .insert(siteBlueprintClusters)
      .values({ ...scope, site_blueprint_id: blueprint!.id, cluster_id: cluster!.id, role: 'hub' });
  }
  return { id: blueprint!.id, clusterId };
}

/** An article live on the IGNY8 site (site_published_at set). */
export async function liveArticle(fx: AccountFx, site: SiteFx, title: string, html: string, publishedAt: number) {
  const slug = `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${tag()}`;
  const [row] = await orm(fx)
    .insert(content)
    .values({
      account_id: fx.accountId,
      site_id: site.id,
      sector_id: site.sectorId,
      title,
      slug,
      html_content: html,
      status: 'published',
      site_published_at: new Date(publishedAt),
      publish_destination: 'igny8',
    })
    .returning();
  return row!;
}

export async function setArticle(fx: AccountFx, id: number, fields: Partial<typeof content.$inferInsert>) {
  await orm(fx)
    .update(content)
    .set(fields)
    .where(and(eq(content.account_id, fx.accountId), eq(content.id, id)));
}

/** POST …/deploy/ and wait for its job: the deployment as the API shows it afterwards. */
export async function deploy(s: Session, blueprintId: number) {
  const started = await call('POST', `/api/v1/publisher/blueprints/${blueprintId}/deploy/`, {
    token: s.token,
    body: {},
  });
  if (started.status !== 202) throw new Error(`deploy failed: ${started.status} ${JSON.stringify(started.body)}`);
  const job = await waitForJob(s, started.body.data.job.id);
  const res = await call('GET', `/api/v1/publisher/deployments/${started.body.data.deployment.id}/`, {
    token: s.token,
  });
  return { job, deployment: res.body.data };
}

export async function directoryRow(accountId: number, siteId: number) {
  return env.DB_CONTROL.prepare('SELECT * FROM site_directory WHERE account_id = ? AND site_id = ?')
    .bind(accountId, siteId)
    .first<{ slug: string; live_version: number | null; live_deployment_id: number | null; hostname: string | null }>();
}

export async function manifestIn(accountId: number, siteId: number, version: number): Promise<SiteManifest | null> {
  const object = await env.MEDIA.get(`sites/${accountId}/${siteId}/versions/${version}.json`);
  return object ? ((await object.json()) as SiteManifest) : null;
}

/** A request to the worker as a visitor would send it (no token). */
export async function visit(path: string, init: RequestInit = {}): Promise<Response> {
  const worker = (exports as unknown as { default: { fetch(request: Request): Promise<Response> } }).default;
  return worker.fetch(new Request(`${ORIGIN}${path}`, init));
}
