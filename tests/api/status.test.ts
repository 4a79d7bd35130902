import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../worker/env';
import { enqueueScheduledWork } from '../../worker/events/cron';
import { addMember, call, login, signup, type Session } from '../helpers/api';
import { expectError, shardOf } from '../helpers/fixtures';

/** The status page's checks (issue 14, item 4): GET /api/v1/system/status. */
interface Check {
  name: string;
  status: string;
  latency_ms: number;
  detail: string;
}

const checksOf = (res: { body: { data: { checks: Check[] } } }) =>
  Object.fromEntries(res.body.data.checks.map((c) => [c.name, c]));

/** The cron's tick with its queue sends recorded, not delivered (the duties themselves are not under test). */
const tick = () =>
  enqueueScheduledWork(
    Object.assign({}, env, { EVENTS: { sendBatch: async () => undefined } }) as unknown as Env,
    Date.now(),
  );

describe('status page', () => {
  let owner: Session;
  let developer: Session;

  beforeAll(async () => {
    owner = await signup('status-owner', 'Status Co');
    const staff = await signup('status-dev', 'IGNY8 staff');
    await env.DB_CONTROL.prepare("UPDATE users SET role = 'developer' WHERE id = ?").bind(staff.userId).run();
    developer = await login(staff.email);
    await tick();
  });

  it('answers every check ok in workerd, with a latency each', async () => {
    const res = await call('GET', '/api/v1/system/status/', { token: owner.token });
    expect(res.status).toBe(200);
    const checks = checksOf(res);
    expect(Object.keys(checks).sort()).toEqual(
      [
        'ai_provider',
        'cron',
        'd1.control',
        `d1.${await shardOf(owner.accountId)}`,
        'dead_letters',
        'durable_objects',
        'integrations',
        'queue',
        'r2',
      ].sort(),
    );
    for (const check of Object.values(checks)) {
      expect(check.status, `${check.name}: ${check.detail}`).toBe('ok');
      expect(check.latency_ms).toBeGreaterThanOrEqual(0);
    }
    expect(res.body.data.status).toBe('ok');
    expect(Date.parse(res.body.data.checked_at)).not.toBeNaN();
  });

  it('shows a developer all four shards and an owner or admin only their own', async () => {
    const mine = (res: { body: { data: { checks: Check[] } } }) =>
      res.body.data.checks.filter((c) => c.name.startsWith('d1.DB_SHARD_')).map((c) => c.name);
    expect(mine(await call('GET', '/api/v1/system/status/', { token: developer.token }))).toHaveLength(4);
    expect(mine(await call('GET', '/api/v1/system/status/', { token: owner.token }))).toEqual([
      `d1.${await shardOf(owner.accountId)}`,
    ]);
    const admin = await addMember(owner, 'admin');
    expect(mine(await call('GET', '/api/v1/system/status/', { token: admin.token }))).toHaveLength(1);
  });

  it('refuses editors and viewers (403) and the signed-out (401)', async () => {
    expectError(await call('GET', '/api/v1/system/status/'), 401);
    for (const role of ['editor', 'viewer'] as const) {
      const member = await addMember(owner, role);
      expectError(await call('GET', '/api/v1/system/status/', { token: member.token }), 403);
    }
  });

  it('says the cron is degraded when its last tick is old, with the age, and ok after a new tick', async () => {
    const old = Date.now() - 40 * 60 * 1000;
    await env.DB_CONTROL.prepare("UPDATE system_heartbeats SET at = ? WHERE key = 'cron.tick'").bind(old).run();
    const stale = await call('GET', '/api/v1/system/status/', { token: owner.token });
    expect(checksOf(stale).cron).toMatchObject({ status: 'degraded' });
    expect(checksOf(stale).cron!.detail).toContain('40 min ago');
    expect(stale.body.data.status).toBe('degraded');
    await tick();
    expect(checksOf(await call('GET', '/api/v1/system/status/', { token: owner.token })).cron!.status).toBe('ok');
  });

  it("counts an owner's own unreplayed dead letters, a developer everyone's", async () => {
    const other = await signup('status-other', 'Other Co');
    await env.DB_CONTROL.prepare(
      'INSERT INTO dead_letters (queue, message_id, event_type, account_id, body, created_at) ' +
        "VALUES ('q', ?, 'x', ?, '{}', ?)",
    )
      .bind(`status-${Date.now()}`, other.accountId, Date.now())
      .run();
    expect(checksOf(await call('GET', '/api/v1/system/status/', { token: owner.token })).dead_letters!.status).toBe(
      'ok',
    );
    const seen = checksOf(await call('GET', '/api/v1/system/status/', { token: developer.token })).dead_letters!;
    expect(seen.status).toBe('degraded');
    expect(seen.detail).toContain('1 message');
  });
});
