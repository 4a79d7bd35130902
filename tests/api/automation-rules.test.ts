import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Res, type Session } from '../helpers/api';
import {
  expectError,
  MEMBER_ROLES,
  MISSING_ID,
  ownersOnOneShard,
  populateAccount,
  shardBinding,
  type AccountFx,
} from '../helpers/fixtures';
import { type Case, Matrix, notFoundsThatDiffer, siteTargets, type Who } from '../helpers/matrix';
import { seedKeywords } from '../helpers/planner';

/**
 * Issue 13, scope item 1: automation rules. CRUD with the view's next runs, words and credit
 * ceiling; the cron, zone, trigger and config checks; the schedule preview; stale edits; run_now's
 * up-front credit refusal and the dry run that creates nothing; the tenancy matrix over every route.
 */
const R = '/api/v1/automation/rules';
let A: AccountFx;
let B: AccountFx;
const db = () => shardBinding(A.shard);
const owner = () => A.members.owner;

const weekdays = { trigger: 'schedule', schedule: '0 7 * * 1-5', timezone: 'Europe/Berlin' };

/** The fields of a rule's view these tests read. */
interface RuleJson {
  id: number;
  next_run_at: string | null;
  next_runs: number[];
  credits_max: number;
  config: { publish_mode: string };
}

async function createRule(s: Session, body: Record<string, unknown>): Promise<RuleJson> {
  const res = await call('POST', `${R}/`, { token: s.token, body: { name: 'A rule', ...body } });
  if (res.status !== 201) throw new Error(`rule failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

const countRows = async (table: 'scheduled_tasks' | 'automation_runs', ruleId: number) => {
  const column = table === 'scheduled_tasks' ? 'automation_rule_id' : 'rule_id';
  const row = await db()
    .prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ? AND ${column} = ?`)
    .bind(A.accountId, ruleId)
    .first<{ n: number }>();
  return row!.n;
};

const setBalance = (fx: AccountFx, balance: number) =>
  shardBinding(fx.shard)
    .prepare('UPDATE credit_balances SET balance = ? WHERE account_id = ?')
    .bind(balance, fx.accountId)
    .run();

beforeAll(async () => {
  // Two accounts on ONE shard: only account_id keeps their rules apart.
  const { pair } = await ownersOnOneShard('auto');
  A = await populateAccount(pair[0], 'auto-a');
  B = await populateAccount(pair[1], 'auto-b');
}, 120_000);

afterAll(async () => {
  await setBalance(A, 0);
});

describe('rules CRUD', () => {
  it('creates a scheduled rule with its next five runs, its schedule in words and what a run can cost', async () => {
    const before = Date.now();
    const rule = await createRule(owner(), { site_id: A.granted.id, sector_id: A.granted.sectorId, ...weekdays });
    expect(rule).toMatchObject({
      site_id: A.granted.id,
      sector_id: A.granted.sectorId,
      trigger: 'schedule',
      timezone: 'Europe/Berlin',
      is_active: true,
      status: 'active',
      version: 1,
      schedule_words: 'At 07:00 AM, Monday through Friday',
      last_run: null,
      // Defaults: 20 keywords → ≤20 clusters × 7 ideas, + 1 clustering; then the default daily caps:
      // 5 articles × 3, 25 images × 1.
      credits_max: 1 + 140 + 5 * 3 + 25,
    });
    expect(rule.config.publish_mode).toBe('review');
    expect(rule.next_runs).toHaveLength(5);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    for (const [i, ms] of rule.next_runs.entries()) {
      expect(ms).toBeGreaterThan(before);
      if (i) expect(ms).toBeGreaterThan(rule.next_runs[i - 1]!);
      expect(berlin.format(ms)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 07:00$/);
    }
    expect(new Date(rule.next_run_at!).getTime()).toBe(rule.next_runs[0]);

    const got = await call('GET', `${R}/${rule.id}/`, { token: A.members.viewer.token });
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ id: rule.id, next_runs: rule.next_runs, credits_max: rule.credits_max });
  });

  it('changes a rule with the version it read; a stale version is 409 rule_changed', async () => {
    const rule = await createRule(owner(), { site_id: A.granted.id, ...weekdays });
    const renamed = await call('PATCH', `${R}/${rule.id}/`, {
      token: A.members.editor.token,
      body: { version: 1, name: 'Renamed' },
    });
    expect(renamed.status).toBe(200);
    // Renaming moves no clock: the due time stays.
    expect(renamed.body.data).toMatchObject({ name: 'Renamed', version: 2, next_run_at: rule.next_run_at });

    const stale = await call('PATCH', `${R}/${rule.id}/`, { token: owner().token, body: { version: 1, name: 'Lost' } });
    expectError(stale, 409, 'rule_changed');

    const moved = await call('PATCH', `${R}/${rule.id}/`, {
      token: owner().token,
      body: { version: 2, schedule: '30 9 * * *', timezone: 'UTC' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.data.schedule_words).toBe('At 09:30 AM');
    expect(new Date(moved.body.data.next_run_at).getUTCHours()).toBe(9);
    expect(new Date(moved.body.data.next_run_at).getUTCMinutes()).toBe(30);

    const deleted = await call('DELETE', `${R}/${rule.id}/`, { token: owner().token });
    expect(deleted.status).toBe(200);
    expectError(await call('GET', `${R}/${rule.id}/`, { token: owner().token }), 404, 'not_found');
  });

  it('pause stops the clock; resume restarts it from now; a paused rule lists no next runs', async () => {
    const rule = await createRule(owner(), { site_id: A.granted.id, ...weekdays });
    const paused = await call('POST', `${R}/${rule.id}/pause/`, { token: owner().token });
    expect(paused.status).toBe(200);
    expect(paused.body.data).toMatchObject({ is_active: false, status: 'paused', next_run_at: null, next_runs: [] });
    const resumed = await call('POST', `${R}/${rule.id}/resume/`, { token: A.members.editor.token });
    expect(resumed.status).toBe(200);
    expect(resumed.body.data).toMatchObject({ is_active: true, status: 'active', version: 3 });
    expect(new Date(resumed.body.data.next_run_at).getTime()).toBe(resumed.body.data.next_runs[0]);
  });

  it('event and manual rules have no clock', async () => {
    const event = await createRule(owner(), {
      site_id: A.granted.id,
      trigger: 'event',
      event_type: 'keywords.imported',
    });
    expect(event).toMatchObject({ next_run_at: null, next_runs: [], schedule_words: null });
    const manual = await createRule(owner(), { site_id: A.granted.id, trigger: 'manual' });
    expect(manual).toMatchObject({ next_run_at: null, event_type: null });
  });
});

describe('validation', () => {
  const bad = (body: Record<string, unknown>) =>
    call('POST', `${R}/`, { token: owner().token, body: { name: 'Bad', site_id: A.granted.id, ...body } });

  it('refuses a bad cron (400 invalid_cron) and an unknown zone (400 invalid_timezone)', async () => {
    for (const schedule of ['61 7 * * *', '0 0 7 * * *', 'weekdays at 7', '*/5 * * * *']) {
      const res = await bad({ ...weekdays, schedule });
      expectError(res, 400, 'invalid_cron');
      expect(res.body.errors.schedule).toHaveLength(1);
    }
    const zone = await bad({ ...weekdays, timezone: 'Europe/Berln' });
    expectError(zone, 400, 'invalid_timezone');
    expect(zone.body.errors.timezone[0]).toContain('Europe/Berln');
  });

  it('needs a cron for a schedule and an event for an event rule, also after a PATCH', async () => {
    const noCron = await bad({ trigger: 'schedule' });
    expectError(noCron, 400, 'validation_error');
    expect(Object.keys(noCron.body.errors)).toEqual(['schedule']);
    const noEvent = await bad({ trigger: 'event' });
    expectError(noEvent, 400, 'validation_error');
    expect(Object.keys(noEvent.body.errors)).toEqual(['event_type']);

    const manual = await createRule(owner(), { site_id: A.granted.id, trigger: 'manual' });
    const toSchedule = await call('PATCH', `${R}/${manual.id}/`, {
      token: owner().token,
      body: { version: 1, trigger: 'schedule' },
    });
    expectError(toSchedule, 400, 'validation_error');
    expect(Object.keys(toSchedule.body.errors)).toEqual(['schedule']);
  });

  it('refuses config out of range and stages that are not consecutive', async () => {
    const tooMany = await bad({ trigger: 'manual', config: { batches: { keywords_per_run: 501 } } });
    expectError(tooMany, 400, 'validation_error');
    expect(JSON.stringify(tooMany.body.errors)).toContain('keywords_per_run');
    expectError(await bad({ trigger: 'manual', config: { batches: { keywords_per_call: 21 } } }), 400);
    expectError(await bad({ trigger: 'manual', config: { caps: { articles_per_day: 0 } } }), 400);
    const window = await bad({ trigger: 'manual', config: { publish_window: { start: '17:00', end: '09:00' } } });
    expectError(window, 400, 'validation_error');
    const gap = await bad({ trigger: 'manual', config: { stages: ['clustering', 'content'] } });
    expectError(gap, 400, 'validation_error');
    expect(JSON.stringify(gap.body.errors)).toContain('consecutive');
    expectError(await bad({ trigger: 'manual', config: { stages: ['ideas', 'ideas'] } }), 400);
  });

  it("refuses a sector of another site (404) and a site the user can't see (404)", async () => {
    expectError(await bad({ trigger: 'manual', sector_id: A.ungranted.sectorId }), 404, 'not_found');
    expectError(await bad({ trigger: 'manual', sector_id: B.granted.sectorId }), 404, 'not_found');
    expectError(await bad({ trigger: 'manual', site_id: B.granted.id }), 404, 'not_found');
  });
});

describe('schedule preview', () => {
  it('gives the next times in ms and in the zone’s words', async () => {
    const res = await call('GET', '/api/v1/automation/schedule_preview/?cron=0%207%20*%20*%201-5&tz=Europe/Berlin', {
      token: A.members.viewer.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.words).toBe('At 07:00 AM, Monday through Friday');
    expect(res.body.data.next_runs).toHaveLength(5);
    expect(res.body.data.next_runs_local).toHaveLength(5);
    for (const local of res.body.data.next_runs_local)
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) \d+ \w+ \d{4}, 07:00$/);
    const three = await call('GET', '/api/v1/automation/schedule_preview/?cron=0%209%20*%20*%20*&count=3', {
      token: A.members.viewer.token,
    });
    expect(three.body.data.next_runs).toHaveLength(3);
    expect(three.body.data.next_runs_local[0]).toMatch(/, 09:00$/);
  });

  it('answers 400 invalid_cron / invalid_timezone, and 401 without a login', async () => {
    const q = (cron: string, tz = 'UTC') =>
      call('GET', `/api/v1/automation/schedule_preview/?cron=${encodeURIComponent(cron)}&tz=${tz}`, {
        token: owner().token,
      });
    expectError(await q('0 25 * * *'), 400, 'invalid_cron');
    expectError(await q('0 7 * * *', 'Mars/Olympus'), 400, 'invalid_timezone');
    expectError(await call('GET', '/api/v1/automation/schedule_preview/?cron=0%207%20*%20*%20*'), 401);
  });
});

describe('list', () => {
  it('paginates and filters by site, trigger, switch and name', async () => {
    const site = A.ungranted.id;
    for (const [i, trigger] of ['manual', 'manual', 'event', 'schedule', 'manual'].entries()) {
      await createRule(owner(), {
        site_id: site,
        name: `Listed ${i}`,
        trigger,
        ...(trigger === 'event' ? { event_type: 'content.approved' } : {}),
        ...(trigger === 'schedule' ? { schedule: '0 6 * * *' } : {}),
        is_active: i !== 4,
      });
    }
    const first = await call('GET', `${R}/?site_id=${site}&page_size=2&ordering=name`, { token: owner().token });
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(5);
    expect(first.body.results.map((r: { name: string }) => r.name)).toEqual(['Listed 0', 'Listed 1']);
    expect(first.body.next).toContain('page=2');
    const last = await call('GET', `${R}/?site_id=${site}&page_size=2&page=3&ordering=name`, { token: owner().token });
    expect(last.body.results.map((r: { name: string }) => r.name)).toEqual(['Listed 4']);
    expect(last.body.next).toBeNull();

    const count = async (q: string) =>
      (await call('GET', `${R}/?site_id=${site}&${q}`, { token: owner().token })).body.count;
    expect(await count('trigger=manual')).toBe(3);
    expect(await count('trigger=event')).toBe(1);
    expect(await count('is_active=false')).toBe(1);
    expect(await count('search=listed 3')).toBe(1);
    expectError(await call('GET', `${R}/?ordering=secret`, { token: owner().token }), 400, 'validation_error');
  });

  it("never lists rules of a site the user can't see, nor another account's", async () => {
    const mine = await call('GET', `${R}/?page_size=100`, { token: A.members.editor.token });
    expect(mine.status).toBe(200);
    expect(mine.body.results.length).toBeGreaterThan(0);
    expect(mine.body.results.every((r: { site_id: number }) => r.site_id === A.granted.id)).toBe(true);
    expectError(await call('GET', `${R}/?site_id=${A.ungranted.id}`, { token: A.members.editor.token }), 404);
    expectError(await call('GET', `${R}/?site_id=${B.granted.id}`, { token: owner().token }), 404);
  });
});

describe('run_now and dry_run', () => {
  let ruleId: number;
  let keywordIds: number[];

  beforeAll(async () => {
    keywordIds = await seedKeywords(owner(), { siteId: A.granted.id, sectorId: A.granted.sectorId }, [
      'auto alpha',
      'auto beta',
      'auto gamma',
      'auto delta',
      'auto epsilon',
    ]);
    const rule = await createRule(owner(), {
      site_id: A.granted.id,
      sector_id: A.granted.sectorId,
      ...weekdays,
      config: { caps: { credits_per_run: 74 } },
    });
    ruleId = rule.id;
  });

  it('refuses a run the balance cannot cover, up front, naming the cap to lower; nothing is created', async () => {
    await setBalance(A, 40);
    const before = (await call('GET', `${R}/${ruleId}/`, { token: owner().token })).body.data;
    const res = await call('POST', `${R}/${ruleId}/run_now/`, { token: A.members.editor.token, body: {} });
    expectError(res, 402, 'insufficient_credits');
    expect(res.body.error).toBe(
      'This run can use up to 74 credits; the balance is 40. Lower caps.credits_per_run, or add credits.',
    );
    expect(await countRows('scheduled_tasks', ruleId)).toBe(0);
    expect(await countRows('automation_runs', ruleId)).toBe(0);
    const after = (await call('GET', `${R}/${ruleId}/`, { token: owner().token })).body.data;
    expect(after.next_run_at).toBe(before.next_run_at);
  });

  it('names articles_per_day and keywords_per_run when the articles weigh most', async () => {
    await setBalance(A, 40);
    const rule = await createRule(owner(), {
      site_id: A.granted.id,
      sector_id: A.granted.sectorId,
      trigger: 'manual',
      config: { images: 'featured', caps: { articles_per_day: 2 } },
    });
    const res = await call('POST', `${R}/${rule.id}/run_now/`, { token: owner().token });
    expectError(res, 402, 'insufficient_credits');
    // 5 keywords: 1 clustering call, ≤35 ideas, 2 articles × 3, 2 featured images.
    expect(res.body.error).toBe(
      'This run can use up to 44 credits; the balance is 40. ' +
        'Lower caps.articles_per_day or batches.keywords_per_run, or add credits.',
    );
  });

  it('dry run returns the picked keywords by volume, the estimate, the publish slots; creates nothing', async () => {
    await setBalance(A, 40);
    const res = await call('POST', `${R}/${ruleId}/dry_run/`, { token: A.members.editor.token });
    expect(res.status).toBe(200);
    const { run, plan } = res.body.data;
    expect(run).toBeNull();
    // seedKeywords gives volumes 10, 20, …: the highest first.
    expect(plan.keywords.map((k: { id: number }) => k.id)).toEqual([...keywordIds].reverse());
    expect(plan.keywords[0]).toEqual({ id: keywordIds[4], keyword: 'auto epsilon', volume: 50 });
    expect(plan.estimate).toMatchObject({ clustering: 1, ideas: 35, total: 74, limited_by: 'credits_per_run' });
    expect(plan).toMatchObject({ balance: 40, affordable: false, input_count: 5 });
    expect(plan.shortfall).toContain('caps.credits_per_run');
    // Review gate (the default): approved articles go out in the window, 2 a day, 2 h apart.
    expect(plan.publish_slots.length).toBeGreaterThan(0);
    for (const [i, ms] of plan.publish_slots.entries()) {
      if (i) expect(ms - plan.publish_slots[i - 1]).toBeGreaterThanOrEqual(2 * 3600_000);
    }
    const viaRunNow = await call('POST', `${R}/${ruleId}/run_now/`, { token: owner().token, body: { dry_run: true } });
    expect(viaRunNow.status).toBe(200);
    expect(viaRunNow.body.data.run).toBeNull();
    expect(viaRunNow.body.data.plan.estimate.total).toBe(74);
    expect(await countRows('scheduled_tasks', ruleId)).toBe(0);
    expect(await countRows('automation_runs', ruleId)).toBe(0);
  });

  it('starts a manual run without moving the schedule; the same Idempotency-Key starts it once', async () => {
    await setBalance(A, 100_000);
    // Only the tasks stage, and no ideas on the site: the run has nothing to do and costs nothing.
    const rule = await createRule(owner(), {
      site_id: A.ungranted.id,
      ...weekdays,
      config: { stages: ['tasks'] },
    });
    const headers = { 'idempotency-key': `rule-${rule.id}-try` };
    const res = await call('POST', `${R}/${rule.id}/run_now/`, { token: owner().token, body: {}, headers });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const run = res.body.data.run;
    expect(run).toMatchObject({ rule_id: rule.id, site_id: A.ungranted.id, source: 'manual', dry_run: false });
    const again = await call('POST', `${R}/${rule.id}/run_now/`, { token: owner().token, headers });
    expect(again.status).toBe(202);
    expect(again.body.data.run.id).toBe(run.id);
    expect(await countRows('automation_runs', rule.id)).toBe(1);
    const view = (await call('GET', `${R}/${rule.id}/`, { token: owner().token })).body.data;
    expect(view.next_run_at).toBe(rule.next_run_at);
    expect(view.last_run.id).toBe(run.id);

    // The start is in the history, once.
    const history = await call(
      'GET',
      `/api/v1/automation/scheduled-tasks/?site_id=${A.ungranted.id}&rule_id=${rule.id}`,
      {
        token: A.members.admin.token,
      },
    );
    expect(history.status).toBe(200);
    expect(history.body.count).toBe(1);
    expect(history.body.results[0]).toMatchObject({ rule_id: rule.id, source: 'manual', run_id: run.id });
  });

  it('a rule with an unfinished run is not deleted (409 rule_has_active_run) until the run ends', async () => {
    const rule = await createRule(owner(), { site_id: A.granted.id, trigger: 'manual' });
    const now = Date.now();
    await db()
      .prepare(
        `INSERT INTO automation_runs (id, account_id, site_id, rule_id, source, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'manual', 'paused', ?, ?)`,
      )
      .bind(`run-test-${rule.id}`, A.accountId, A.granted.id, rule.id, now, now)
      .run();
    expectError(await call('DELETE', `${R}/${rule.id}/`, { token: owner().token }), 409, 'rule_has_active_run');
    const view = (await call('GET', `${R}/${rule.id}/`, { token: owner().token })).body.data;
    expect(view.last_run).toEqual({ id: `run-test-${rule.id}`, status: 'paused' });
    await db()
      .prepare("UPDATE automation_runs SET status = 'cancelled' WHERE id = ?")
      .bind(`run-test-${rule.id}`)
      .run();
    expect((await call('DELETE', `${R}/${rule.id}/`, { token: owner().token })).status).toBe(200);
  });
});

describe('tenancy', () => {
  /** One rule on each of the four sites of the two accounts. */
  const rules = new Map<number, number>();
  const ruleOn = (siteId: number) => rules.get(siteId)!;
  const matrix = new Matrix();

  beforeAll(async () => {
    for (const fx of [A, B])
      for (const site of [fx.granted, fx.ungranted])
        rules.set(site.id, (await createRule(fx.members.owner, { site_id: site.id, trigger: 'manual' })).id);
  });

  const versionOf = async (fx: AccountFx, id: number) =>
    (
      await shardBinding(fx.shard)
        .prepare('SELECT version FROM automation_rules WHERE id = ?')
        .bind(id)
        .first<{ version: number }>()
    )?.version ?? 1;

  it('every route × every role × own/ungranted/foreign/missing gets the exact status', async () => {
    const cases: Case[] = [];
    for (const acct of [A, B]) {
      const other = acct === A ? B : A;
      for (const role of MEMBER_ROLES) {
        const w: Who = { label: `${acct.label} ${role}`, role, s: acct.members[role], acct, other };
        const targets = siteTargets(
          w,
          { granted: acct.granted, ungranted: acct.ungranted },
          { granted: other.granted, ungranted: other.ungranted },
          { id: MISSING_ID, sectorId: MISSING_ID },
        );
        for (const t of targets) {
          const fx = t.scope === 'foreign' ? other : acct;
          const id = () => (t.scope === 'missing' ? MISSING_ID : ruleOn(t.p.id));
          const c = (what: string, write: boolean, status: number, request: () => Promise<Res>, extra = {}) =>
            cases.push({
              who: w,
              what: `${what} on ${t.name}`,
              scope: t.scope,
              write,
              expect: status,
              request,
              ...extra,
            });
          const token = w.s.token;
          c('get', false, t.read, () => call('GET', `${R}/${id()}/`, { token }));
          c('list by site', false, t.read, () => call('GET', `${R}/?site_id=${t.p.id}`, { token }));
          c('create', true, t.write(201), () =>
            call('POST', `${R}/`, { token, body: { name: 'Matrix', site_id: t.p.id, trigger: 'manual' } }),
          );
          c('patch', true, t.write(), async () =>
            call('PATCH', `${R}/${id()}/`, { token, body: { version: await versionOf(fx, id()), description: role } }),
          );
          c('pause', true, t.write(), () => call('POST', `${R}/${id()}/pause/`, { token }), {
            cleanup: () => call('POST', `${R}/${id()}/resume/`, { token: fx.members.owner.token }),
          });
          c('resume', true, t.write(), () => call('POST', `${R}/${id()}/resume/`, { token }));
          c('dry run', true, t.write(), () => call('POST', `${R}/${id()}/dry_run/`, { token }));
          c('run now (dry)', true, t.write(), () =>
            call('POST', `${R}/${id()}/run_now/`, { token, body: { dry_run: true } }),
          );
          c('scheduled tasks', false, t.read, () =>
            call('GET', `/api/v1/automation/scheduled-tasks/?site_id=${t.p.id}`, { token }),
          );
          // Delete last, on a rule made for it (own sites) so the fixture's rules stay.
          c('delete', true, t.write(), async () => {
            const victim =
              t.scope === 'missing'
                ? MISSING_ID
                : (await createRule(fx.members.owner, { site_id: t.p.id, trigger: 'manual' })).id;
            return call('DELETE', `${R}/${victim}/`, { token });
          });
        }
      }
    }
    expect(await matrix.run(cases)).toBe(2 * 4 * 5 * 10);
    // 400 requests: seconds on a shared machine, so the bound is generous (a guard against a hang).
  }, 180_000);

  it("answers an unseen site's rule, another account's and a missing one with the same 404", async () => {
    const editor = A.members.editor.token;
    const probes: [string, (id: number) => Promise<Res>][] = [
      ['get', (id) => call('GET', `${R}/${id}/`, { token: editor })],
      ['patch', (id) => call('PATCH', `${R}/${id}/`, { token: editor, body: { version: 1, name: 'x' } })],
      ['delete', (id) => call('DELETE', `${R}/${id}/`, { token: editor })],
      ['run now', (id) => call('POST', `${R}/${id}/run_now/`, { token: editor })],
      ['dry run', (id) => call('POST', `${R}/${id}/dry_run/`, { token: editor })],
      ['pause', (id) => call('POST', `${R}/${id}/pause/`, { token: editor })],
      ['resume', (id) => call('POST', `${R}/${id}/resume/`, { token: editor })],
    ];
    const targets = [ruleOn(A.ungranted.id), ruleOn(B.granted.id), ruleOn(B.ungranted.id), MISSING_ID];
    expect(await notFoundsThatDiffer(probes, targets)).toEqual([]);
  });

  it('the list without ?site_id= shows each member only the rules of the sites they see', async () => {
    for (const role of MEMBER_ROLES) {
      const res = await call('GET', `${R}/?page_size=100`, { token: A.members[role].token });
      const sites = new Set(res.body.results.map((r: { site_id: number }) => r.site_id));
      const expected = role === 'owner' || role === 'admin' ? [A.granted.id, A.ungranted.id] : [A.granted.id];
      expect([...sites].sort()).toEqual(expected.sort());
    }
  });
});
