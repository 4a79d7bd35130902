import { describe, expect, it } from 'vitest';
import { addMember, call, createSite, signup } from '../helpers/api';

describe('writer content list, edit and review workflow', () => {
  it('lists drafts without their bodies, edits meta, moves drafts to review with who and when', async () => {
    const owner = await signup('content');
    const site = await createSite(owner, 'Content Site');
    const sector = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: site.id, name: 'Main' } })
    ).body.data.id;
    const editor = await addMember(owner, 'editor', [site.id]);
    const viewer = await addMember(owner, 'viewer', [site.id]);
    const a = (
      await call('POST', '/api/v1/writer/content/', {
        token: editor.token,
        body: { site_id: site.id, sector_id: sector, title: 'Alpha' },
      })
    ).body.data;
    await call('POST', '/api/v1/writer/content/', {
      token: editor.token,
      body: { site_id: site.id, sector_id: sector, title: 'Beta' },
    });

    const list = await call('GET', `/api/v1/writer/content/?site_id=${site.id}&ordering=title`, {
      token: viewer.token,
    });
    expect(list.body.count).toBe(2);
    expect(list.body.results[0].title).toBe('Alpha');
    expect(list.body.results[0]).not.toHaveProperty('html_content');

    const edited = await call('PATCH', `/api/v1/writer/content/${a.id}/`, {
      token: editor.token,
      body: { meta_title: 'Alpha | Guide', tags: ['garden'] },
    });
    expect(edited.body.data).toMatchObject({ meta_title: 'Alpha | Guide', tags: ['garden'] });

    const moved = await call('POST', `/api/v1/writer/content/${a.id}/status/`, {
      token: editor.token,
      body: { status: 'review' },
    });
    expect(moved.body.data).toMatchObject({ status: 'review', status_changed_by_user_id: editor.userId });
    const queue = await call('GET', `/api/v1/writer/content/?site_id=${site.id}&status=review`, { token: owner.token });
    expect(queue.body.results.map((r: { id: number }) => r.id)).toEqual([a.id]);

    expect(
      (await call('POST', `/api/v1/writer/content/${a.id}/status/`, { token: viewer.token, body: { status: 'draft' } }))
        .status,
    ).toBe(403);
    expect(
      (
        await call('POST', `/api/v1/writer/content/${a.id}/status/`, {
          token: editor.token,
          body: { status: 'published' },
        })
      ).status,
    ).toBe(400);
    const stranger = await signup('stranger-content');
    expect((await call('GET', `/api/v1/writer/content/${a.id}/`, { token: stranger.token })).status).toBe(404);
    expect(
      (await call('PATCH', `/api/v1/writer/content/${a.id}/`, { token: stranger.token, body: { title: 'x' } })).status,
    ).toBe(404);
  });
});
