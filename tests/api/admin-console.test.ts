import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, login, signup, type Session } from '../helpers/api';
import { expectError } from '../helpers/fixtures';

/**
 * The developer console (issue 14, item 7): developer-only routes over accounts, plans, credits, dead
 * letters and the audit log; every admin change and every cross-account request leaves an audit row.
 */
async function developerSession(label: string): Promise<Session> {
  const s = await signup(label, 'IGNY8 staff');
  await env.DB_CONTROL.prepare("UPDATE users SET role = 'developer' WHERE id = ?").bind(s.userId).run();
  return login(s.email);
}

const auditRows = async (action: string, target: number | null) =>
  (
    await env.DB_CONTROL.prepare('SELECT * FROM audit_log WHERE action = ? AND target_account_id IS ? ORDER BY id')
      .bind(action, target)
      .all<{ actor_user_id: number; method: string; path: string; status: number; detail: string }>()
  ).results;

/** Waits for the queue's consumers (real ones, in this workerd) to reach `done`. */
async function eventually<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('developer console', () => {
  let developer: Session;
  let owner: Session;
  let customer: Session;

  beforeAll(async () => {
    developer = await developerSession('console-dev');
    owner = await signup('console-owner', 'Console Owner Co');
    customer = await signup('console-customer', 'Customer Console Co');
  });

  const dev = (extra: Record<string, unknown> = {}) => ({ token: developer.token, ...extra });

  it('answers 401 signed out and 403 to owners, admins, editors and viewers on every route', async () => {
    const admin = await addMember(owner, 'admin');
    const editor = await addMember(owner, 'editor');
    const viewer = await addMember(owner, 'viewer');
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/admin/accounts/'],
      ['GET', `/api/v1/admin/accounts/${owner.accountId}/`],
      ['PATCH', `/api/v1/admin/accounts/${owner.accountId}/`, { status: 'suspended' }],
      [
        'POST',
        `/api/v1/admin/accounts/${owner.accountId}/credits/`,
        { amount: 5, reason: 'gift', idempotency_key: 'nope-1234' },
      ],
      ['GET', '/api/v1/admin/plans/'],
      ['POST', '/api/v1/admin/plans/', {}],
      ['PATCH', '/api/v1/admin/plans/1/', { name: 'Hijack' }],
      ['GET', '/api/v1/admin/dead-letters/'],
      ['GET', '/api/v1/admin/dead-letters/1/'],
      ['POST', '/api/v1/admin/dead-letters/1/replay/'],
      ['GET', '/api/v1/admin/audit/'],
    ];
    for (const [method, path, body] of routes) {
      expectError(await call(method, path, { body }), 401);
      for (const s of [owner, admin, editor, viewer]) {
        const res = await call(method, path, { token: s.token, body });
        expect(res.status, `${method} ${path} as ${s.email}`).toBe(403);
      }
    }
    const account = await call('GET', '/api/v1/auth/account/', { token: owner.token });
    expect(account.body.data.status).toBe('active');
  });

  it('lists accounts with search, status filter, plan, shard, owner and balance', async () => {
    const found = await call('GET', `/api/v1/admin/accounts/?search=${encodeURIComponent(customer.email)}`, dev());
    expect(found.status).toBe(200);
    expect(found.body.count).toBe(1);
    expect(found.body.results[0]).toMatchObject({
      id: customer.accountId,
      owner_email: customer.email,
      status: 'active',
      users: 1,
    });
    expect(found.body.results[0].plan_name).toBeTruthy();
    expect(found.body.results[0].shard).toMatch(/^DB_SHARD_\d$/);
    expect(typeof found.body.results[0].balance).toBe('number');
    const bySlugPart = await call('GET', '/api/v1/admin/accounts/?search=customer-console', dev());
    expect(bySlugPart.body.results.map((a: { id: number }) => a.id)).toContain(customer.accountId);
    const none = await call('GET', '/api/v1/admin/accounts/?search=%25_nothing_%25', dev());
    expect(none.body.count).toBe(0);
    const suspendedOnly = await call('GET', '/api/v1/admin/accounts/?status=suspended', dev());
    expect(suspendedOnly.body.results.every((a: { status: string }) => a.status === 'suspended')).toBe(true);

    const detail = await call('GET', `/api/v1/admin/accounts/${customer.accountId}/`, dev());
    expect(detail.status).toBe(200);
    expect(detail.body.data.users.map((u: { email: string }) => u.email)).toEqual([customer.email]);
    expect(detail.body.data.subscription.current_period_end).toBeTruthy();
    expect(detail.body.data.transactions.length).toBeGreaterThan(0);
    expect(detail.body.data).toHaveProperty('reserved');
    expectError(await call('GET', '/api/v1/admin/accounts/987654321/', dev()), 404);
  });

  it('suspending stops the account at once (reads and writes), reactivating lets it back, both audited', async () => {
    const victim = await signup('console-suspend', 'Suspend Me Co');
    // A read first, so this isolate's identity cache holds the active account.
    expect((await call('GET', '/api/v1/auth/sites/', { token: victim.token })).status).toBe(200);
    const suspended = await call(
      'PATCH',
      `/api/v1/admin/accounts/${victim.accountId}/`,
      dev({ body: { status: 'suspended' } }),
    );
    expect(suspended.status).toBe(200);
    expect(suspended.body.data.status).toBe('suspended');
    expectError(
      await call('POST', '/api/v1/auth/sites/', { token: victim.token, body: { name: 'Nope' } }),
      403,
      'account_inactive',
    );
    expectError(await call('GET', '/api/v1/auth/sites/', { token: victim.token }), 403, 'account_inactive');

    const back = await call(
      'PATCH',
      `/api/v1/admin/accounts/${victim.accountId}/`,
      dev({ body: { status: 'active' } }),
    );
    expect(back.status).toBe(200);
    expect((await call('POST', '/api/v1/auth/sites/', { token: victim.token, body: { name: 'Back' } })).status).toBe(
      201,
    );

    const rows = await auditRows('account.status', victim.accountId);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ actor_user_id: developer.userId, method: 'PATCH' });
    expect(JSON.parse(rows[0]!.detail)).toMatchObject({ before: { status: 'active' }, after: { status: 'suspended' } });
  });

  it('changes an account plan (refusing an inactive or unknown plan)', async () => {
    const plans = (await call('GET', '/api/v1/admin/plans/', dev())).body.data as { id: number; is_default: boolean }[];
    const other = plans.find((p) => !p.is_default)!;
    const moved = await call(
      'PATCH',
      `/api/v1/admin/accounts/${customer.accountId}/`,
      dev({ body: { plan_id: other.id } }),
    );
    expect(moved.status).toBe(200);
    expect(moved.body.data.plan.id).toBe(other.id);
    expect(moved.body.data.subscription.plan_id).toBe(other.id);
    expectError(
      await call('PATCH', `/api/v1/admin/accounts/${customer.accountId}/`, dev({ body: { plan_id: 98765 } })),
      400,
    );
    expect(await auditRows('account.update', customer.accountId)).toHaveLength(1);
  });

  it('adjusts credits once per idempotency key, even submitted twice at once', async () => {
    const path = `/api/v1/admin/accounts/${customer.accountId}/credits/`;
    const before = (await call('GET', `/api/v1/admin/accounts/${customer.accountId}/`, dev())).body.data.balance;
    const body = { amount: 250, reason: 'Goodwill after an outage', idempotency_key: 'console-double-1' };
    const [a, b] = await Promise.all([call('POST', path, dev({ body })), call('POST', path, dev({ body }))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.data.balance).toBe(before + 250);
    expect(b.body.data.balance).toBe(before + 250);
    const detail = (await call('GET', `/api/v1/admin/accounts/${customer.accountId}/`, dev())).body.data;
    expect(detail.balance).toBe(before + 250);
    expect(
      detail.transactions.filter((t: { idempotency_key: string }) => t.idempotency_key === 'adjust:console-double-1'),
    ).toHaveLength(1);
    const audited = await auditRows('credits.adjust', customer.accountId);
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]!.detail)).toMatchObject({ amount: 250, reason: 'Goodwill after an outage' });
  });

  it('refuses a removal beyond the balance, and bad amounts or reasons', async () => {
    const path = `/api/v1/admin/accounts/${customer.accountId}/credits/`;
    const { balance } = (await call('GET', `/api/v1/admin/accounts/${customer.accountId}/`, dev())).body.data;
    const tooMuch = await call(
      'POST',
      path,
      dev({ body: { amount: -(balance + 1), reason: 'Oops', idempotency_key: 'console-neg-1' } }),
    );
    expectError(tooMuch, 409, 'insufficient_credits');
    expect(tooMuch.body.error).toContain('below zero');
    expect((await call('GET', `/api/v1/admin/accounts/${customer.accountId}/`, dev())).body.data.balance).toBe(balance);
    const exact = await call(
      'POST',
      path,
      dev({ body: { amount: -balance, reason: 'Zero it', idempotency_key: 'console-neg-2' } }),
    );
    expect(exact.body.data.balance).toBe(0);
    for (const bad of [
      { amount: 0, reason: 'zero', idempotency_key: 'console-bad-1' },
      { amount: 5, reason: 'no', idempotency_key: 'console-bad-2' },
      { amount: 5_000_000, reason: 'too much', idempotency_key: 'console-bad-3' },
      { amount: 5, reason: 'x'.repeat(501), idempotency_key: 'console-bad-4' },
    ]) {
      expectError(await call('POST', path, dev({ body: bad })), 400);
    }
  });

  it('creates and edits plans: unique slug, one default, no deactivating a plan in use without force', async () => {
    const plan = {
      name: 'Console Agency',
      slug: 'console-agency',
      price_cents: 9900,
      max_sites: 10,
      max_users: null,
      max_keywords: 5000,
      max_clusters: null,
      included_credits: 2000,
      is_active: true,
      is_default: false,
    };
    const made = await call('POST', '/api/v1/admin/plans/', dev({ body: plan }));
    expect(made.status).toBe(201);
    expectError(await call('POST', '/api/v1/admin/plans/', dev({ body: plan })), 409, 'slug_taken');

    const oldDefault = (
      (await call('GET', '/api/v1/admin/plans/', dev())).body.data as { id: number; is_default: boolean }[]
    ).find((p) => p.is_default)!;
    const swapped = await call(
      'PATCH',
      `/api/v1/admin/plans/${made.body.data.id}/`,
      dev({ body: { is_default: true } }),
    );
    expect(swapped.status).toBe(200);
    const after = (await call('GET', '/api/v1/admin/plans/', dev())).body.data as { id: number; is_default: boolean }[];
    expect(after.filter((p) => p.is_default).map((p) => p.id)).toEqual([made.body.data.id]);
    // New accounts now get the new default.
    const fresh = await signup('console-fresh', 'Fresh Plan Co');
    expect((await call('GET', '/api/v1/auth/account/', { token: fresh.token })).body.data.plan.id).toBe(
      made.body.data.id,
    );
    expectError(
      await call('PATCH', `/api/v1/admin/plans/${made.body.data.id}/`, dev({ body: { is_default: false } })),
      400,
    );
    // Swap back for the other tests.
    await call('PATCH', `/api/v1/admin/plans/${oldDefault.id}/`, dev({ body: { is_default: true } }));

    const inUse = await call('PATCH', `/api/v1/admin/plans/${made.body.data.id}/`, dev({ body: { is_active: false } }));
    expectError(inUse, 409, 'plan_in_use');
    const forced = await call(
      'PATCH',
      `/api/v1/admin/plans/${made.body.data.id}/?force=true`,
      dev({ body: { is_active: false } }),
    );
    expect(forced.status).toBe(200);
    expect(forced.body.data.is_active).toBe(false);
    expect((await auditRows('plan.create', null)).length).toBe(1);
    expect((await auditRows('plan.update', null)).length).toBe(3);
  });

  it('keeps a message that failed every retry and replays it exactly once', async () => {
    // A message type no consumer knows always throws: after max_retries the queue hands it to the DLQ consumer.
    const marker = `dlq-${Date.now()}`;
    await env.EVENTS.send({ v: 1, type: 'test.always_fails', account_id: customer.accountId, marker });
    const letter = await eventually('the dead letter', async () =>
      env.DB_CONTROL.prepare('SELECT * FROM dead_letters WHERE body LIKE ?')
        .bind(`%${marker}%`)
        .first<{ id: number; event_type: string; account_id: number; replayed_at: number | null }>(),
    );
    expect(letter).toMatchObject({
      event_type: 'test.always_fails',
      account_id: customer.accountId,
      replayed_at: null,
    });

    const listed = await call('GET', '/api/v1/admin/dead-letters/?replayed=false&event_type=test.always_fails', dev());
    expect(listed.body.results.map((l: { id: number }) => l.id)).toContain(letter.id);
    expect(listed.body.results[0].body_preview).toContain(marker);
    const one = await call('GET', `/api/v1/admin/dead-letters/${letter.id}/`, dev());
    expect(one.body.data.body).toMatchObject({ marker });

    const [first, second] = await Promise.all([
      call('POST', `/api/v1/admin/dead-letters/${letter.id}/replay/`, dev()),
      call('POST', `/api/v1/admin/dead-letters/${letter.id}/replay/`, dev()),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect([first, second].find((r) => r.status === 409)!.body.code).toBe('already_replayed');
    expectError(await call('POST', `/api/v1/admin/dead-letters/${letter.id}/replay/`, dev()), 409, 'already_replayed');
    const replayed = await call('GET', '/api/v1/admin/dead-letters/?replayed=true', dev());
    expect(replayed.body.results.find((l: { id: number }) => l.id === letter.id)).toMatchObject({
      replayed_by_user_id: developer.userId,
    });
    expect(await auditRows('dead_letter.replay', customer.accountId)).toHaveLength(1);
  });

  it("audits a developer's GET and POST for another account, not their own account's requests", async () => {
    const as = { 'x-account-id': String(customer.accountId) };
    expect((await call('GET', '/api/v1/auth/sites/', dev({ headers: as }))).status).toBe(200);
    expect(
      (await call('POST', '/api/v1/auth/sites/', dev({ headers: as, body: { name: 'Support made' } }))).status,
    ).toBe(201);
    expect((await call('GET', '/api/v1/auth/sites/', dev())).status).toBe(200);
    const rows = await eventually('the cross-account audit rows', async () => {
      const r = await auditRows('cross_account.request', customer.accountId);
      return r.length >= 2 ? r : null;
    });
    expect(rows.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/api/v1/auth/sites/', 200],
      ['POST', '/api/v1/auth/sites/', 201],
    ]);
    expect(await auditRows('cross_account.request', developer.accountId)).toHaveLength(0);

    const listed = await call(
      'GET',
      `/api/v1/admin/audit/?action=cross_account.request&target_account_id=${customer.accountId}`,
      dev(),
    );
    expect(listed.body.count).toBe(2);
    expect(listed.body.results[0].method).toBe('POST');
    const byActor = await call('GET', `/api/v1/admin/audit/?actor_user_id=${developer.userId}&since=2020-01-01`, dev());
    expect(byActor.body.count).toBeGreaterThanOrEqual(2);
    const future = await call('GET', '/api/v1/admin/audit/?since=2999-01-01', dev());
    expect(future.body.count).toBe(0);
  });
});
