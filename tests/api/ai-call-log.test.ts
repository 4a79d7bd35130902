import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expireAiCallBodies } from '../../worker/system/ai-call-log';
import { addMember, call, createSite, login, signup, type Session } from '../helpers/api';
import { shardBinding, shardOf } from '../helpers/fixtures';
import { scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';

interface CallRow {
  id: number;
  purpose: string;
  status: string;
  site_id: number | null;
  repaired: boolean;
  body_available: boolean;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number;
  created_at: string;
  error: string | null;
}

/** Rows are written in the background after each attempt: wait until `n` are there. */
async function callsOf(s: Session, query: string, n: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await call('GET', `/api/v1/system/ai-calls/?page_size=100&${query}`, { token: s.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows = res.body.results as CallRow[];
    const complete = rows.filter((r) => r.body_available).length;
    if ((rows.length >= n && complete >= n) || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The bytes of every R2 body of an account's calls. */
async function storedBodies(accountId: number) {
  const listed = await env.MEDIA.list({ prefix: `ai-calls/${accountId}/` });
  return Promise.all(listed.objects.map(async (o) => (await env.MEDIA.get(o.key))!.text()));
}

describe('AI call log', () => {
  let owner: Session;
  let siteId: number;
  let keywordIds: number[];
  const apiKey = `sk-test-call-log-${Date.now()}-secret`;

  beforeAll(async () => {
    owner = await signup('calllog');
    siteId = (await createSite(owner, 'Call Log Site')).id;
    await useOwnModelKey(owner, apiKey);
    const sector = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
    ).body.data.id;
    await call('POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sector}`, {
      token: owner.token,
      rawBody: 'keyword,volume\nraised bed garden,900\nraised bed soil,500\ncedar raised bed,300\ncompost tea,200\n',
      headers: { 'content-type': 'text/csv' },
    });
    keywordIds = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${siteId}`, { token: owner.token })
    ).body.results.map((k: { id: number }) => k.id);
  });

  it('logs every attempt of a job: a 500 then a success make an error row and an ok row, costed as usage', async () => {
    await scriptFaults(apiKey, { script: ['500', 'ok'], retry_after_s: 0.05 });
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
      token: owner.token,
      body: { ids: keywordIds },
    });
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job.status).toBe('succeeded');
    const rows = await callsOf(owner, `job_id=${job.id}`, 2);
    expect(rows.map((r) => r.status).sort()).toEqual(['error', 'ok']);
    const failed = rows.find((r) => r.status === 'error')!;
    const done = rows.find((r) => r.status === 'ok')!;
    expect(failed).toMatchObject({ purpose: 'auto_cluster', site_id: siteId, finish_reason: 'server_error' });
    expect(failed.error).toMatch(/500/);
    expect(done).toMatchObject({ purpose: 'auto_cluster', finish_reason: 'stop', repaired: false });
    expect(done.tokens_input).toBeGreaterThan(0);

    const usage = await shardBinding(await shardOf(owner.accountId))
      .prepare(
        'SELECT tokens_input, tokens_output, cost_usd FROM credit_usage_logs WHERE account_id = ? AND job_id = ?',
      )
      .bind(owner.accountId, job.id)
      .first<{ tokens_input: number; tokens_output: number; cost_usd: number }>();
    const sum = (k: 'tokens_input' | 'tokens_output' | 'cost_usd') => rows.reduce((n, r) => n + r[k], 0);
    expect(sum('tokens_input')).toBe(usage!.tokens_input);
    expect(sum('tokens_output')).toBe(usage!.tokens_output);
    expect(sum('cost_usd')).toBeCloseTo(usage!.cost_usd, 9);

    const body = await call('GET', `/api/v1/system/ai-calls/${done.id}/body/`, { token: owner.token });
    expect(body.status).toBe(200);
    expect(body.body.data.request.messages[0].role).toBe('system');
    expect(body.body.data.request.response_format.json_schema.name).toBe('auto_cluster');
    expect(body.body.data.reply.content).toContain('clusters');
  });

  it('marks a reply that needed the tolerant repair (code fences) as repaired', async () => {
    await scriptFaults(apiKey, { script: ['fenced'] });
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
      token: owner.token,
      body: { ids: keywordIds },
    });
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job.status).toBe('succeeded');
    const [row] = await callsOf(owner, `job_id=${job.id}`, 1);
    expect(row).toMatchObject({ status: 'ok', repaired: true });
    const filtered = await callsOf(owner, 'repaired=true', 1);
    expect(filtered.every((r) => r.repaired)).toBe(true);
    expect(filtered.map((r) => r.id)).toContain(row!.id);
  });

  it('logs each attempt of a streamed article (generate_content): a 500, then the streamed reply', async () => {
    const clusters = (await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}`, { token: owner.token })).body
      .results;
    const ideasJob = await call('POST', '/api/v1/planner/clusters/auto_generate_ideas/', {
      token: owner.token,
      body: { ids: [clusters[0].id], ideas_per_cluster: 3 },
    });
    expect((await waitForJob(owner, ideasJob.body.data.task_id)).status).toBe('succeeded');
    const ideas = (await call('GET', `/api/v1/planner/ideas/?site_id=${siteId}`, { token: owner.token })).body.results;
    await call('POST', '/api/v1/writer/tasks/bulk_create_from_ideas/', {
      token: owner.token,
      body: { ids: [ideas[0].id] },
    });
    const tasks = (await call('GET', `/api/v1/writer/tasks/?site_id=${siteId}`, { token: owner.token })).body.results;
    await scriptFaults(apiKey, { script: ['500', 'ok'], retry_after_s: 0.05 });
    const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
      token: owner.token,
      body: { ids: [tasks[0].id] },
    });
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job.status).toBe('succeeded');
    const rows = await callsOf(owner, `job_id=${job.id}`, 2);
    expect(rows.map((r) => `${r.purpose}:${r.status}`).sort()).toEqual([
      'generate_content:error',
      'generate_content:ok',
    ]);
    const done = rows.find((r) => r.status === 'ok')!;
    const usage = await shardBinding(await shardOf(owner.accountId))
      .prepare('SELECT tokens_input, tokens_output FROM credit_usage_logs WHERE account_id = ? AND job_id = ?')
      .bind(owner.accountId, job.id)
      .first<{ tokens_input: number; tokens_output: number }>();
    expect(done.tokens_output).toBe(usage!.tokens_output);
    const body = await call('GET', `/api/v1/system/ai-calls/${done.id}/body/`, { token: owner.token });
    expect(body.body.data.request.stream).toBe(true);
    expect(body.body.data.reply.content.length).toBeGreaterThan(100);
  });

  it('never stores the API key in the R2 bodies', async () => {
    await call('POST', '/api/v1/system/prompts/clustering/try/', { token: owner.token, body: {} });
    const bodies = await storedBodies(owner.accountId);
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const text of bodies) {
      expect(text).not.toContain(apiKey);
      expect(text.toLowerCase()).not.toContain('authorization');
    }
  });

  it('filters by purpose, status and site, newest first', async () => {
    const errors = await callsOf(owner, 'status=error', 1);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((r) => r.status === 'error')).toBe(true);
    const tries = await callsOf(owner, 'purpose=prompt_test', 1);
    expect(tries.every((r) => r.purpose === 'prompt_test' && r.site_id === null)).toBe(true);
    const onSite = await callsOf(owner, `site_id=${siteId}`, 3);
    expect(onSite.every((r) => r.site_id === siteId)).toBe(true);
    const all = await callsOf(owner, '', 4);
    const times = all.map((r) => Date.parse(r.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const bad = await call('GET', '/api/v1/system/ai-calls/?purpose=nonsense', { token: owner.token });
    expect(bad.status).toBe(400);
  });

  it('clears bodies past their 30 days: the row stays, the body answers 410', async () => {
    const [row] = await callsOf(owner, 'purpose=prompt_test', 1);
    const key = (await shardBinding(await shardOf(owner.accountId))
      .prepare('SELECT body_key FROM ai_call_logs WHERE id = ?')
      .bind(row!.id)
      .first<{ body_key: string }>())!.body_key;
    expect(await env.MEDIA.head(key)).not.toBeNull();
    // The clock is faked by dating the row back: its body expired a day ago.
    await shardBinding(await shardOf(owner.accountId))
      .prepare('UPDATE ai_call_logs SET body_expires_at = ? WHERE id = ?')
      .bind(Date.now() - 86_400_000, row!.id)
      .run();
    await expireAiCallBodies(env as never, Date.now());
    expect(await env.MEDIA.head(key)).toBeNull();
    const again = await call('GET', `/api/v1/system/ai-calls/${row!.id}/`, { token: owner.token });
    expect(again.body.data).toMatchObject({ id: row!.id, body_available: false });
    const body = await call('GET', `/api/v1/system/ai-calls/${row!.id}/body/`, { token: owner.token });
    expect(body.status).toBe(410);
    expect(body.body.code ?? body.body.error_code ?? JSON.stringify(body.body)).toContain('body_expired');
  });

  it('is for owners and admins: editors, viewers 403, other accounts 404, developers (X-Account-ID) read', async () => {
    const [row] = await callsOf(owner, '', 1);
    const admin = await addMember(owner, 'admin');
    const editor = await addMember(owner, 'editor');
    const viewer = await addMember(owner, 'viewer');
    const stranger = await signup('stranger');
    const paths = ['/api/v1/system/ai-calls/', `/api/v1/system/ai-calls/${row!.id}/`];
    for (const path of paths) {
      expect((await call('GET', path, { token: admin.token })).status).toBe(200);
      expect((await call('GET', path, { token: editor.token })).status).toBe(403);
      expect((await call('GET', path, { token: viewer.token })).status).toBe(403);
    }
    expect((await call('GET', `/api/v1/system/ai-calls/${row!.id}/`, { token: stranger.token })).status).toBe(404);
    expect((await call('GET', `/api/v1/system/ai-calls/${row!.id}/body/`, { token: stranger.token })).status).toBe(404);
    const list = await call('GET', '/api/v1/system/ai-calls/', { token: stranger.token });
    expect(list.body.results.map((r: { id: number }) => r.id)).not.toContain(row!.id);

    const dev = await signup('developer');
    await env.DB_CONTROL.prepare("UPDATE users SET role = 'developer' WHERE id = ?").bind(dev.userId).run();
    const developer = await login(dev.email);
    const seen = await call('GET', `/api/v1/system/ai-calls/${row!.id}/`, {
      token: developer.token,
      headers: { 'x-account-id': String(owner.accountId) },
    });
    expect(seen.status).toBe(200);
  });
});
