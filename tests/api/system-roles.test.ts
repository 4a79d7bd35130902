import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createSite, login, signup, type Session } from '../helpers/api';

/**
 * Developer and system bot (seed 001): both reach every account (here through X-Account-ID);
 * the developer manages users and billing, the system bot does neither.
 */
async function promote(s: Session, role: 'developer' | 'system_bot'): Promise<Session> {
  await env.DB_CONTROL.prepare('UPDATE users SET role = ? WHERE id = ?').bind(role, s.userId).run();
  return login(s.email); // a new token carries the new role (the role is re-read per request anyway)
}

describe('developer and system_bot', () => {
  let developer: Session;
  let bot: Session;
  let customer: Session;
  let customerSite: { id: number };

  beforeAll(async () => {
    developer = await promote(await signup('dev', 'IGNY8 staff'), 'developer');
    bot = await promote(await signup('bot', 'IGNY8 automation'), 'system_bot');
    customer = await signup('customer', 'Customer Co');
    customerSite = await createSite(customer, 'Customer Site');
  });

  const as = (s: Session, accountId: number) => ({ token: s.token, headers: { 'x-account-id': String(accountId) } });

  it('lets a developer read and write any account', async () => {
    const sites = await call('GET', '/api/v1/auth/sites/', as(developer, customer.accountId));
    expect(sites.status).toBe(200);
    expect(sites.body.results.map((s: { id: number }) => s.id)).toEqual([customerSite.id]);

    const created = await call('POST', '/api/v1/auth/sites/', {
      ...as(developer, customer.accountId),
      body: { name: 'Made by support' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.account_id).toBe(customer.accountId);

    const users = await call('GET', '/api/v1/auth/users/', as(developer, customer.accountId));
    expect(users.status).toBe(200);
    expect(users.body.results.map((u: { email: string }) => u.email)).toEqual([customer.email]);
  });

  it('without X-Account-ID a developer acts on their own account', async () => {
    const sites = await call('GET', '/api/v1/auth/sites/', { token: developer.token });
    expect(sites.status).toBe(200);
    expect(sites.body.count).toBe(0);
  });

  it('lets the system bot work on data of any account but not manage users or billing', async () => {
    const sites = await call('GET', '/api/v1/auth/sites/', as(bot, customer.accountId));
    expect(sites.status).toBe(200);
    expect(sites.body.results.some((s: { id: number }) => s.id === customerSite.id)).toBe(true);

    const sector = await call('POST', '/api/v1/auth/sectors/', {
      ...as(bot, customer.accountId),
      body: { site_id: customerSite.id, name: 'Automated' },
    });
    expect(sector.status).toBe(201);

    expect((await call('GET', '/api/v1/auth/users/', as(bot, customer.accountId))).status).toBe(403);
    expect(
      (await call('PATCH', '/api/v1/auth/account/', { ...as(bot, customer.accountId), body: { name: 'Hijacked' } }))
        .status,
    ).toBe(403);
  });

  it('refuses X-Account-ID from customers and for accounts that do not exist', async () => {
    expect((await call('GET', '/api/v1/auth/sites/', as(customer, developer.accountId))).status).toBe(403);
    expect((await call('GET', '/api/v1/auth/sites/', as(developer, 987654))).status).toBe(404);
    expect((await call('GET', '/api/v1/auth/sites/', as(developer, -1))).status).toBe(400);
  });
});
