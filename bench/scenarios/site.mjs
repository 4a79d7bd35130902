// Sites at the edge (issue 12): deploy a 500-article site, publish one more article incrementally,
// serve a page and its 304, each next to a baseline from the same run.
import { api, fmt, freshAccount, median, request, sleep } from '../lib.mjs';
import { compare } from '../load.mjs';

const BARE = (base) => ({ label: 'GET /api/health (bare route)', url: `${base}/api/health` });

/** Polls a deployment until it leaves pending/deploying; returns it with the client's wall time. */
async function waitDeployed(base, token, id, startedAt) {
  for (;;) {
    const d = await api(base, 'GET', `/api/v1/publisher/deployments/${id}/`, { token });
    if (d.status === 'deployed') return { ...d, wallMs: performance.now() - startedAt };
    if (d.status === 'failed') throw new Error(`deployment ${id} failed: ${d.error_message}`);
    await sleep(50);
  }
}

async function newestDeployment(base, token, siteId, after) {
  for (;;) {
    const list = await api(base, 'GET', `/api/v1/publisher/deployments/?site_id=${siteId}&page_size=1`, { token });
    const d = list.results?.[0];
    if (d && d.id !== after) return d;
    await sleep(20);
  }
}

export async function siteBenchmarks(base, { articles = 500, connections = 50 } = {}) {
  const acc = await freshAccount(base, 'site');
  const { token } = acc;
  const fixture = await api(base, 'POST', '/api/v1/_bench/site_fixture/', {
    token,
    body: { site_id: acc.siteId, sector_id: acc.sectorId, articles, drafts: 3 },
  });
  const blueprint = fixture.blueprint_id;

  // 1. Full deploy (every blob new), then the same deploy again (nothing changed: no blob rewritten).
  const deploys = [];
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const started = await api(base, 'POST', `/api/v1/publisher/blueprints/${blueprint}/deploy/`, { token, body: {} });
    deploys.push(await waitDeployed(base, token, started.deployment.id, t0));
  }
  const [first, again] = deploys;
  const raw = await api(base, 'POST', '/api/v1/_bench/raw_r2_put/', {
    token,
    body: { files: first.files, bytes: first.bytes },
  });
  console.log(`\nDeploy of a ${articles}-article site (${first.files} files, ${fmt(first.bytes / 1e6, 2)} MB)`);
  console.log(
    `  first deploy: ${fmt(first.wallMs, 0)} ms wall (job ${first.duration_ms} ms), ` +
      `${first.files_changed} blobs written`,
  );
  console.log(`  raw R2 put of the same files and bytes (baseline): ${raw.put_ms} ms`);
  console.log(`  ratio job / raw put: ${fmt(first.duration_ms / raw.put_ms, 2)}`);
  console.log(
    `  redeploy, nothing changed: ${fmt(again.wallMs, 0)} ms wall (job ${again.duration_ms} ms), ` +
      `${again.files_changed} blobs written`,
  );

  // 2. Incremental publish of one article, three times (three drafts), median.
  const drafts = await api(base, 'GET', `/api/v1/writer/content/?site_id=${acc.siteId}&status=review&page_size=3`, {
    token,
  });
  const incremental = [];
  let last = again.id;
  for (const item of drafts.results) {
    const t0 = performance.now();
    await api(base, 'POST', `/api/v1/publisher/content/${item.id}/publish/`, { token, body: { destination: 'igny8' } });
    const d = await newestDeployment(base, token, acc.siteId, last);
    const done = await waitDeployed(base, token, d.id, t0);
    last = done.id;
    incremental.push(done);
  }
  const incWall = median(incremental.map((d) => d.wallMs));
  const touched = median(incremental.map((d) => d.files_changed));
  const total = incremental.at(-1).files;
  console.log(`\nIncremental publish of one article (median of ${incremental.length})`);
  console.log(
    `  ${fmt(incWall, 0)} ms from the publish request to live; ${touched} of ${total} files written ` +
      `(${fmt((100 * touched) / total, 2)}%)`,
  );

  // 3. Rollback: to the first version and back to the latest, 5 times, each timed until the next
  //    request to the site is answered by the version it flipped to; against a bare request, sequential.
  const latest = incremental.at(-1);
  const flips = [];
  const bare = [];
  const home = `${base}${new URL('./', first.url).pathname}`;
  for (let i = 0; i < 10; i++) {
    const target = i % 2 === 0 ? first : latest;
    let t0 = performance.now();
    await api(base, 'POST', `/api/v1/publisher/deployments/${target.id}/rollback/`, { token, body: {} });
    const served = await request(home);
    flips.push(performance.now() - t0);
    if (served.headers['x-site-version'] !== String(target.version)) {
      throw new Error(`after rolling back to ${target.version} the site answered ${served.headers['x-site-version']}`);
    }
    t0 = performance.now();
    await request(`${base}/api/health`);
    bare.push(performance.now() - t0);
  }
  console.log(`\nRollback (10 flips between version ${first.version} and ${latest.version}, sequential)`);
  console.log(
    `  rollback request + the next page view served by the new version: median ${fmt(median(flips), 0)} ms, ` +
      `max ${fmt(Math.max(...flips), 0)} ms (bare request: median ${fmt(median(bare), 0)} ms)`,
  );

  // 4. Serving: an article page against the bare route, then its 304.
  // The deployment's live URL is built from the request's origin: the bench's own base.
  const page = `${base}${new URL('blog/bench-article-250/', first.url).pathname}`;
  const probe = await request(page);
  if (probe.status !== 200) throw new Error(`GET ${page} → ${probe.status}`);
  const etag = probe.headers.etag;
  const serve = compare(
    `Serving an article page of the deployed site vs a bare route`,
    BARE(base),
    {
      label: 'GET /s/<slug>/blog/<article>/',
      url: page,
    },
    { connections },
  );
  const notModified = compare(
    `The same page with If-None-Match (304) vs a bare route`,
    BARE(base),
    {
      label: 'GET … If-None-Match → 304',
      url: page,
      headers: { 'if-none-match': etag },
      status: 304,
    },
    { connections },
  );
  return {
    deploy: {
      files: first.files,
      bytes: first.bytes,
      wallMs: first.wallMs,
      jobMs: first.duration_ms,
      rawPutMs: raw.put_ms,
      ratio: first.duration_ms / raw.put_ms,
      redeployChanged: again.files_changed,
      redeployMs: again.duration_ms,
    },
    incremental: { wallMs: incWall, filesChanged: touched, files: total, share: touched / total },
    rollback: { medianMs: median(flips), maxMs: Math.max(...flips), bareMs: median(bare) },
    serve,
    notModified,
  };
}
