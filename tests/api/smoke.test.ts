import { describe, expect, it } from 'vitest';
import { call, createSite, signup } from '../helpers/api';

describe('foundation smoke', () => {
  it('answers health with the envelope and a request id', async () => {
    const res = await call('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, data: { status: 'ok' } });
    expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('signs up, creates a site and lists it', async () => {
    const owner = await signup();
    const site = await createSite(owner, 'Garden Guides');
    const list = await call('GET', '/api/v1/auth/sites/', { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.count).toBe(1);
    expect(list.body.results[0]).toMatchObject({ id: site.id, name: 'Garden Guides', slug: 'garden-guides' });
  });
});
