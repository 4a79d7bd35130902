import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { aiBudgetOf } from '../../durable-objects/ai-budget/client';
import { LEASE_TTL_MS } from '../../durable-objects/ai-budget/protocol';
import { sha256Hex } from '../../worker/lib/crypto';
import { call, createSite, signup, type Session } from '../helpers/api';
import { createSector } from '../helpers/fixtures';
import { devModelUrl, scriptFaults, waitForJob } from '../helpers/jobs';
import { seedKeywords } from '../helpers/planner';

/**
 * A provider key's budget belongs to the account, not to a site (issue 10, item 10): the
 * SiteCoordinators of one account share one AiBudget object per key, so two sites with
 * max_concurrency 2 never have more than 2 calls in flight on the key; another account using the
 * same key string has a budget of its own. The dev model server counts the calls in flight per key.
 */
const TOPICS = ['soil', 'compost', 'tomato', 'mulch', 'seed', 'pruning'];
const KINDS = ['guide', 'tips', 'cost', 'ideas', 'diy'];
/** 60 keywords: three clustering calls (batches of 20) per job. */
const keywords = (site: string) =>
  Array.from({ length: 60 }, (_, i) => `${site} ${TOPICS[i % 6]} ${KINDS[Math.floor(i / 6) % 5]} ${i < 30 ? 0 : 1}`);

interface KeyStats {
  requests: number;
  max_concurrent: number;
  in_flight: number;
}
const statsOf = async (apiKey: string) =>
  (await (await fetch(`${devModelUrl()}/__dev/stats?api_key=${encodeURIComponent(apiKey)}`)).json()) as KeyStats;

/** The account's own key on the dev model, with the budget the test wants. */
async function useKey(owner: Session, apiKey: string, maxConcurrency: number) {
  const res = await call('PUT', '/api/v1/system/settings/integrations/openai/', {
    token: owner.token,
    body: {
      api_key: apiKey,
      base_url: `${devModelUrl()}/v1`,
      max_concurrency: maxConcurrency,
      requests_per_minute: 10_000,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A site with 60 keywords, ready to cluster. */
async function siteWithKeywords(owner: Session, name: string) {
  const site = await createSite(owner, name);
  const sector = await createSector(owner, site.id, `${name} sector`);
  return { id: site.id, ids: await seedKeywords(owner, { siteId: site.id, sectorId: sector.id }, keywords(name)) };
}

async function startClustering(owner: Session, ids: number[]): Promise<string> {
  const res = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.data.task_id;
}

/** The key id the coordinators budget by (system/ai-settings.ts: a hash, never the key). */
const keyIdOf = async (apiKey: string) => (await sha256Hex(`${devModelUrl()}/v1|${apiKey}`)).slice(0, 16);

describe('one AI key budget per account', () => {
  it('keeps the calls of two sites of one account within the key max_concurrency of 2', async () => {
    const owner = await signup('budget-shared');
    const apiKey = `sk-budget-shared-${Date.now()}`;
    await useKey(owner, apiKey, 2);
    const sites = [await siteWithKeywords(owner, 'north'), await siteWithKeywords(owner, 'south')];
    // Slow replies: each site alone would keep 2 calls in flight for a while.
    await scriptFaults(apiKey, { latency_ms: 600 });

    const tasks = await Promise.all(sites.map((s) => startClustering(owner, s.ids)));
    const jobs = await Promise.all(tasks.map((t) => waitForJob(owner, t, 60_000)));

    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    // Three calls per site; a call that timed out on a loaded machine is made again (not fewer).
    const stats = await statsOf(apiKey);
    expect(stats.requests).toBeGreaterThanOrEqual(6);
    expect(stats.max_concurrent).toBe(2);
    // Every slot came back: nothing is left held for the next job.
    const budget = await aiBudgetOf(env, owner.accountId, await keyIdOf(apiKey)).inspect();
    expect(budget).toMatchObject({ leases: 0, inFlight: 0, limit: 2 });
  });

  it('gives two accounts using the same key string a budget each', async () => {
    const owners = [await signup('budget-a'), await signup('budget-b')];
    const apiKey = `sk-budget-two-accounts-${Date.now()}`;
    for (const owner of owners) await useKey(owner, apiKey, 2);
    const sites = [await siteWithKeywords(owners[0]!, 'east'), await siteWithKeywords(owners[1]!, 'west')];
    await scriptFaults(apiKey, { latency_ms: 1000 });

    const tasks = await Promise.all(sites.map((s, i) => startClustering(owners[i]!, s.ids)));
    const jobs = await Promise.all(tasks.map((t, i) => waitForJob(owners[i]!, t, 60_000)));

    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    // Each account keeps its 2 calls in flight while the other's are: neither waits for the other.
    expect((await statsOf(apiKey)).max_concurrent).toBeGreaterThan(2);
  });
});

describe('the AiBudget object', () => {
  const limits = { maxConcurrency: 2, requestsPerMinute: 10_000 };
  const site = (name: string, boot = 'boot-1') => ({ name, boot });
  let keyId = '';

  beforeAll(async () => {
    keyId = await keyIdOf(`sk-budget-object-${Date.now()}`);
  });

  it('refuses a third call of the account and lets another account call with the same key', async () => {
    const mine = aiBudgetOf(env, 9001, keyId);
    const leases = [await mine.acquire(limits, site('site-1')), await mine.acquire(limits, site('site-2'))];
    expect(leases.every((l) => l.ok)).toBe(true);
    expect(await mine.acquire(limits, site('site-1'))).toEqual({ ok: false, retryAt: null });
    expect((await aiBudgetOf(env, 9002, keyId).acquire(limits, site('site-9'))).ok).toBe(true);

    // A slot released (twice: a retried release) frees exactly one call.
    const first = leases[0]!;
    if (!first.ok) throw new Error('no lease');
    await mine.release(first.lease, 'ok', null);
    await mine.release(first.lease, 'ok', null);
    expect((await mine.acquire(limits, site('site-1'))).ok).toBe(true);
    expect((await mine.acquire(limits, site('site-3'))).ok).toBe(false);
  });

  it('frees the slots of a coordinator that restarted, and of one that never came back after the TTL', async () => {
    const budget = aiBudgetOf(env, 9003, keyId);
    const now = Date.now();
    await budget.acquire(limits, site('crashed', 'life-1'), now);
    await budget.acquire(limits, site('gone', 'life-1'), now);
    expect((await budget.acquire(limits, site('other'), now)).ok).toBe(false);
    // The crashed coordinator's next life asks: its old call died with it, so its slot is free.
    expect((await budget.acquire(limits, site('crashed', 'life-2'), now + 1)).ok).toBe(true);
    expect((await budget.inspect(now + 1)).leases).toBe(2);
    // The one that never came back holds its slot until the longest call could have ended.
    expect((await budget.inspect(now + LEASE_TTL_MS)).leases).toBe(1);
  });
});
