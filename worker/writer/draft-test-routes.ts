import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { NotFound, ValidationError } from '../http/errors';
import { ok } from '../http/respond';
import { idParam } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { requireContent } from './content-access';
import { draftRoomOf } from '../../durable-objects/draft-room/client';

/**
 * Test and benchmark hooks on draft rooms, mounted at `/api/v1/_test`; 404 unless the server runs
 * with TEST_ROUTES=true (the e2e server) or BENCH_ROUTES=true (`npm run bench`). Never in production.
 */
export const draftTestRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    if (c.env.TEST_ROUTES !== 'true' && c.env.BENCH_ROUTES !== 'true') throw new NotFound('Route');
    await next();
  })
  .use('*', authenticate, tenantContext)
  /** Drops the room like a crash (no save on the way out): sockets close, clients reconnect and resync. */
  .post('/draft-rooms/:contentId/restart', async (c) => {
    const tenant = c.get('tenant');
    const draft = await requireContent(tenant, idParam(c, 'contentId'), 'read');
    // ctx.abort() inside the room makes this call fail: that failure is the restart.
    await draftRoomOf(c.env, tenant.account.id, draft.id)
      .restartForTest()
      .catch(() => undefined);
    return ok(c, { content_id: draft.id, restarted: true });
  })
  /** Puts HTML into a draft as one change (e2e and bench setup: a body without typing it). */
  .put('/draft-rooms/:contentId/html', async (c) => {
    const tenant = c.get('tenant');
    const draft = await requireContent(tenant, idParam(c, 'contentId'), 'write');
    const { html } = (await c.req.json()) as { html?: unknown };
    if (typeof html !== 'string') throw new ValidationError({ html: ['Send the HTML as a string.'] });
    const { word_count } = await draftRoomOf(c.env, tenant.account.id, draft.id).replaceWithHtml(html);
    return ok(c, { content_id: draft.id, word_count });
  })
  /**
   * Drives the AI writer's side of a room by hand (e2e: "AI is writing section 3 of 8" while someone
   * edits), through the same RPCs the coordinator's sink calls: begin (with the outline's length),
   * one section, finish.
   */
  .post('/draft-rooms/:contentId/generation', async (c) => {
    const tenant = c.get('tenant');
    const draft = await requireContent(tenant, idParam(c, 'contentId'), 'write');
    const room = draftRoomOf(c.env, tenant.account.id, draft.id);
    const step = (await c.req.json()) as { action?: unknown; total?: unknown; h2?: unknown; html?: unknown };
    const jobId = `e2e-${draft.id}`;
    if (step.action === 'begin') return ok(c, await room.beginGeneration({ job_id: jobId, total: Number(step.total) }));
    if (step.action === 'section') return ok(c, await room.appendSection(String(step.h2), String(step.html)));
    if (step.action === 'finish') return ok(c, (await room.finishGeneration()).generation);
    throw new ValidationError({ action: ['One of begin, section, finish.'] });
  })
  /** The room's storage counters (saves, puts, keys and bytes written) for "storage writes per update". */
  .get('/draft-rooms/:contentId/stats', async (c) => {
    const tenant = c.get('tenant');
    const draft = await requireContent(tenant, idParam(c, 'contentId'), 'read');
    return ok(c, await draftRoomOf(c.env, tenant.account.id, draft.id).storageStats());
  });
