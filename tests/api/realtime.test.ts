import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHASES, type JobView } from '../../core/ai/jobs';
import type { CoordinatorEvent } from '../../core/realtime/events';
import { addMember, call, createSite, signup, type Session } from '../helpers/api';
import { createSector } from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import { seedKeywords } from '../helpers/planner';
import { connectSite, openSiteSocket, type SiteSocket } from '../helpers/socket';

/**
 * The site's live channel: two members of the account watch site 1 over WebSockets while one of
 * them clusters 160 keywords (8 AI calls). Both must see the same typed progress, then the data
 * change; people without access to the site never get a socket.
 */
let owner: Session;
let editor: Session;
let viewerOfSite2: Session;
let stranger: Session;
let site1: number;
let site2: number;
let keywordIds: number[];
const open: SiteSocket[] = [];

beforeAll(async () => {
  owner = await signup('rt');
  site1 = (await createSite(owner, 'Live site')).id;
  site2 = (await createSite(owner, 'Other site')).id;
  const sector = await createSector(owner, site1, 'Live sector');
  await createSector(owner, site2, 'Other sector');
  const topics = ['raised bed', 'compost', 'tomato', 'mulch', 'seed starting', 'pruning', 'irrigation', 'pest control'];
  const words = Array.from(
    { length: 160 },
    (_, i) =>
      `${topics[i % 8]} ${['guide', 'tips', 'ideas', 'cost', 'diy'][Math.floor(i / 8) % 5]} ${Math.floor(i / 40)}`,
  );
  keywordIds = await seedKeywords(owner, { siteId: site1, sectorId: sector.id }, words);
  editor = await addMember(owner, 'editor', [site1]);
  viewerOfSite2 = await addMember(owner, 'viewer', [site2]);
  stranger = await signup('rt-stranger');
});

afterAll(() => {
  for (const s of open) s.close();
});

async function connect(s: Session) {
  const socket = await openSiteSocket(site1, s.token);
  open.push(socket);
  return socket;
}

const isJob =
  (id: string) =>
  (e: CoordinatorEvent): e is Extract<CoordinatorEvent, { type: 'job' }> =>
    e.type === 'job' && e.job.id === id;
const PHASE_ORDER = Object.keys(PHASES);

describe('the site socket', () => {
  let o: SiteSocket;
  let e: SiteSocket;

  it('sends each member a snapshot first, then presence that lists both', async () => {
    o = await connect(owner);
    const first = await o.waitFor('snapshot', () => true);
    expect(first).toMatchObject({
      v: 1,
      type: 'snapshot',
      jobs: [],
      members: [{ user_id: owner.userId, connections: 1 }],
    });
    e = await connect(editor);
    const eFirst = await e.waitFor('snapshot', () => true);
    expect(eFirst.type).toBe('snapshot');
    const ids = (m: { user_id: number }[]) => m.map((x) => x.user_id).sort((a, b) => a - b);
    expect(ids((eFirst as Extract<CoordinatorEvent, { type: 'snapshot' }>).members)).toEqual(
      [owner.userId, editor.userId].sort((a, b) => a - b),
    );
    for (const s of [o, e]) {
      await s.waitFor(
        'presence with both members',
        (ev) =>
          ev.type === 'presence' &&
          ids(ev.members).join() === ids([{ user_id: owner.userId }, { user_id: editor.userId }]).join(),
      );
    }
    expect(o.events[0]!.type).toBe('snapshot');
  });

  it('answers ping with pong', async () => {
    const from = o.events.length;
    o.ws.send(JSON.stringify({ type: 'ping', t: 4242 }));
    expect(await o.waitFor('pong', (ev) => ev.type === 'pong', from)).toEqual({ v: 1, type: 'pong', t: 4242 });
    o.ws.send('not json');
    o.ws.send(JSON.stringify({ type: 'ping', t: 7 }));
    expect(await o.waitFor('second pong', (ev) => ev.type === 'pong' && ev.t === 7, from)).toBeTruthy();
  });

  it('pushes the same coalesced, monotonic job progress to both members, then the data change', async () => {
    const from = [o.events.length, e.events.length];
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
      token: owner.token,
      body: { ids: keywordIds },
    });
    expect(start.status).toBe(202);
    const jobId: string = start.body.data.task_id;
    const seen: JobView[][] = [];
    for (const [i, s] of [o, e].entries()) {
      await s.waitFor('data.changed of the job', (ev) => ev.type === 'data.changed' && ev.job_id === jobId, from[i]);
      const events = s.events.slice(from[i]);
      const frames = events.filter(isJob(jobId)).map((ev) => ev.job);
      seen.push(frames);
      const last = frames[frames.length - 1]!;
      expect(last).toMatchObject({
        status: 'succeeded',
        progress: 100,
        phase: 'DONE',
        batches_total: 8,
        batches_done: 8,
        credits_charged: 6,
      });
      expect(frames[0]!.progress).toBeLessThan(100);
      for (let k = 1; k < frames.length; k++) {
        expect(frames[k]!.progress, `frame ${k}`).toBeGreaterThanOrEqual(frames[k - 1]!.progress);
        expect(PHASE_ORDER.indexOf(frames[k]!.phase)).toBeGreaterThanOrEqual(PHASE_ORDER.indexOf(frames[k - 1]!.phase));
      }
      expect(frames.filter((f) => f.status === 'succeeded')).toHaveLength(1);
      // Coalesced: fewer frames than the engine's state changes (reserve, 3 prep steps, one per AI
      // call, save, finish = batches + 6), let alone batches × phases.
      expect(frames.length).toBeLessThan(last.batches_total + 6);
      const changed = events.findIndex((ev) => ev.type === 'data.changed' && ev.job_id === jobId);
      expect(events[changed]).toMatchObject({ entities: expect.arrayContaining(['clusters', 'keywords']) });
      expect(changed).toBeGreaterThan(events.findIndex((ev) => isJob(jobId)(ev) && ev.job.status === 'succeeded'));
    }
    expect(seen[1]!.map((f) => [f.status, f.phase, f.progress])).toEqual(
      seen[0]!.map((f) => [f.status, f.phase, f.progress]),
    );
    expect(await waitForJob(owner, jobId)).toMatchObject({ status: 'succeeded' });
  });

  it('announces the drafts of a content job as soon as they exist, long before the article is saved', async () => {
    const sectorId = (await call('GET', `/api/v1/auth/sectors/?site_id=${site1}`, { token: owner.token })).body
      .results[0].id;
    const task = (
      await call('POST', '/api/v1/writer/tasks/', {
        token: owner.token,
        body: { site_id: site1, sector_id: sectorId, title: 'Raised bed soil guide' },
      })
    ).body.data;
    const from = e.events.length;
    const jobId: string = (
      await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
        token: owner.token,
        body: { ids: [task.id] },
      })
    ).body.data.task_id;
    await e.waitFor(
      'drafts announced',
      (ev) => ev.type === 'data.changed' && ev.job_id === jobId && ev.entities.includes('content'),
      from,
    );
    const events = e.events.slice(from);
    const announced = events.findIndex((ev) => ev.type === 'data.changed' && ev.job_id === jobId);
    // The teammate hears of the draft while the job still runs, so they can open it and watch.
    expect(events.slice(0, announced).some((ev) => isJob(jobId)(ev) && ev.job.status === 'succeeded')).toBe(false);
    const drafts = (
      await call(
        'GET',
        `/api/v1/writer/content/?site_id=${site1}&search=${encodeURIComponent('Raised bed soil guide')}`,
        { token: editor.token },
      )
    ).body.results;
    expect(drafts).toHaveLength(1);
    expect((await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: editor.token })).body.data.status).toMatch(
      /in_progress|completed/,
    );
    expect(await waitForJob(owner, jobId)).toMatchObject({ status: 'succeeded' });
  });

  it('tells both members when someone edits data by hand', async () => {
    const from = [o.events.length, e.events.length];
    const res = await call('PATCH', `/api/v1/planner/keywords/${keywordIds[0]}/`, {
      token: editor.token,
      body: { volume: 999 },
    });
    expect(res.status).toBe(200);
    for (const [i, s] of [o, e].entries()) {
      expect(await s.waitFor('data.changed', (ev) => ev.type === 'data.changed', from[i])).toMatchObject({
        entities: ['keywords'],
        job_id: null,
      });
    }
  });

  it('drops a member from presence when they leave', async () => {
    const from = o.events.length;
    e.close();
    const presence = await o.waitFor('presence without the editor', (ev) => ev.type === 'presence', from);
    expect(presence).toMatchObject({ members: [{ user_id: owner.userId, connections: 1 }] });
  });
});

describe('who never gets a socket', () => {
  const refused = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.webSocket).toBeFalsy();
    const body = (await res.json()) as { success: boolean; code: string };
    expect(body.success).toBe(false);
    return body;
  };

  it('a viewer of another site, an editor on a site not granted, another account: 404 before any upgrade', async () => {
    await refused(await connectSite(site1, viewerOfSite2.token), 404);
    await refused(await connectSite(site2, editor.token), 404);
    await refused(await connectSite(site1, stranger.token), 404);
    await refused(await connectSite(987_654_321, owner.token), 404);
  });

  it('no token, a bad token, a refresh token: 401', async () => {
    expect((await refused(await connectSite(site1, null), 401)).code).toBe('not_authenticated');
    await refused(await connectSite(site1, 'not-a-jwt'), 401);
    await refused(await connectSite(site1, `${owner.token.slice(0, -4)}AAAA`), 401);
    await refused(await connectSite(site1, owner.refresh), 401);
  });

  it('a plain GET without the upgrade header gets 426', async () => {
    expect((await refused(await connectSite(site1, owner.token, {}), 426)).code).toBe('upgrade_required');
  });
});
