import { Hono } from 'hono';
import { createMoveBody, moveListQuery } from '../../core/validation/account-moves';
import type { AppEnv } from '../env';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { createMove, getMove, listMoves, moveView, resumeMove, shardOverview } from './move/service';

// Guards per route, not `.use('*')`: this module shares the /v1/admin prefix with adminRoutes (worker/app.ts).
const developer = [authenticate, tenantContext, requirePermission('system:admin')] as const;
const TAGS = ['admin'];

/**
 * Moving an account to another shard (developer role only): mounted at /v1/admin/moves. A move copies the
 * account's rows with new ids, verifies them, switches the directory and cleans the old shard, one queue
 * message at a time (worker/admin/move/drive.ts); the page polls a move for its progress.
 */
export const moveRoutes = new Hono<AppEnv>()
  .get('/shards', describe('The shard directory: accounts and D1 latency per shard', TAGS), ...developer, async (c) =>
    ok(c, await shardOverview(c.env)),
  )
  .get('/', describe('Account moves, newest first', TAGS), ...developer, query(moveListQuery), async (c) => {
    const q = c.req.valid('query');
    const { results, count } = await listMoves(c.env, q);
    return page(c, results, count, q.page, q.page_size);
  })
  .post('/', describe('Move an account to another shard', TAGS), ...developer, body(createMoveBody), async (c) =>
    created(c, await createMove(c.env, c.get('tenant'), c.req.valid('json')), 'The move has started.'),
  )
  .get('/:id', describe('One move: step, tables done, rows copied, verification', TAGS), ...developer, async (c) =>
    ok(c, moveView(await getMove(c.env, idParam(c)))),
  )
  .post('/:id/resume', describe('Resume a failed move at the step it failed in', TAGS), ...developer, async (c) =>
    ok(c, await resumeMove(c.env, idParam(c))),
  );
