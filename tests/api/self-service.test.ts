import { describe, expect, it } from 'vitest';
import { addMember, call, createSite, signup } from '../helpers/api';

describe('self service and richer lists', () => {
  it('lets any member change their own name, and nothing else, through /me', async () => {
    const owner = await signup('self');
    const viewer = await addMember(owner, 'viewer');
    const res = await call('PATCH', '/api/v1/auth/me/', { token: viewer.token, body: { name: 'Vera V.' } });
    expect(res.status).toBe(200);
    expect((await call('GET', '/api/v1/auth/me/', { token: viewer.token })).body.data.user.name).toBe('Vera V.');
    const sneaky = await call('PATCH', '/api/v1/auth/me/', { token: viewer.token, body: { name: 'x', role: 'owner' } });
    expect((await call('GET', '/api/v1/auth/me/', { token: viewer.token })).body.data.user.role).toBe('viewer');
    expect([200, 400]).toContain(sneaky.status);
  });

  it('names the user and the site on site-access rows', async () => {
    const owner = await signup('names');
    const site = await createSite(owner, 'Named Site');
    const editor = await addMember(owner, 'editor', [site.id]);
    const list = await call('GET', `/api/v1/auth/site-access/?site_id=${site.id}`, { token: owner.token });
    expect(list.body.results).toEqual([
      expect.objectContaining({
        user_id: editor.userId,
        user: expect.objectContaining({ email: editor.email, role: 'editor' }),
        site: { id: site.id, name: 'Named Site' },
      }),
    ]);
  });
});
