import { Hono, type Context } from 'hono';
import { and, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES, USER_STATUSES } from '../../core/domain/enums';
import { users } from '../../core/schema/control';
import { siteUserAccess } from '../../core/schema/shard';
import { inviteUserBody, updateUserBody } from '../../core/validation/auth';
import { listQuery } from '../../core/validation/common';
import type { AppEnv } from '../env';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { inviteUser, publicUser, reissueInvite, removeUser, requireAccountUser, updateUser } from './service';

const ORDERABLE = {
  email: users.email,
  name: users.name,
  role: users.role,
  created_at: users.created_at,
  id: users.id,
};

const userListQuery = listQuery.extend({
  role: z.enum(ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
});

/** The link a new user opens to set their password (served by the web app). */
const inviteUrl = (c: Context<AppEnv>, token: string) => `${new URL(c.req.url).origin}/invite/${token}`;

export const userRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext, requirePermission('users:manage'))
  .get('/', describe('List the users of the account', ['users']), query(userListQuery), async (c) => {
    const tenant = c.get('tenant');
    const q = c.req.valid('query');
    const pattern = q.search ? `%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
    const where = and(
      eq(users.account_id, tenant.account.id),
      q.role ? eq(users.role, q.role) : undefined,
      q.status ? eq(users.status, q.status) : undefined,
      pattern
        ? or(sql`${users.email} LIKE ${pattern} ESCAPE '\\'`, sql`${users.name} LIKE ${pattern} ESCAPE '\\'`)
        : undefined,
    );
    const { rows, count } = await pageOf(
      tenant.control,
      users,
      where,
      orderingOf(q.ordering, ORDERABLE, 'email', users.id),
      q,
    );
    // Site grants of the listed users, so the settings page shows them without N more requests.
    const grants = rows.length
      ? await tenant.db
          .select({ user_id: siteUserAccess.user_id, site_id: siteUserAccess.site_id })
          .from(siteUserAccess)
          .where(eq(siteUserAccess.account_id, tenant.account.id))
          .all()
      : [];
    return page(
      c,
      rows.map((u) => ({ ...publicUser(u), site_ids: grants.filter((g) => g.user_id === u.id).map((g) => g.site_id) })),
      count,
      q.page,
      q.page_size,
    );
  })
  .post(
    '/',
    describe('Invite a user: returns a one-time invite link (no mail is sent)', ['users']),
    body(inviteUserBody),
    async (c) => {
      const { user, token, expires_at, site_ids } = await inviteUser(c.get('tenant'), c.req.valid('json'));
      return created(
        c,
        { user: { ...publicUser(user), site_ids }, invite_url: inviteUrl(c, token), invite_expires_at: expires_at },
        'Invite created: share the link with the user.',
      );
    },
  )
  .get('/:id', describe('One user of the account', ['users']), async (c) => {
    return ok(c, publicUser(await requireAccountUser(c.get('tenant'), idParam(c))));
  })
  .patch('/:id', describe("Change a user's name, role or status", ['users']), body(updateUserBody), async (c) => {
    const tenant = c.get('tenant');
    const target = await requireAccountUser(tenant, idParam(c));
    return ok(c, publicUser(await updateUser(tenant, target, c.req.valid('json'))));
  })
  .delete('/:id', describe('Remove a user from the account', ['users']), async (c) => {
    const tenant = c.get('tenant');
    const target = await requireAccountUser(tenant, idParam(c));
    await removeUser(tenant, target);
    return ok(c, { id: target.id, deleted: true }, 200, 'User removed.');
  })
  .post('/:id/invite_link', describe('Issue a new invite link for a pending user', ['users']), async (c) => {
    const tenant = c.get('tenant');
    const target = await requireAccountUser(tenant, idParam(c));
    const { token, expires_at } = await reissueInvite(tenant, target);
    return ok(c, { invite_url: inviteUrl(c, token), invite_expires_at: expires_at });
  });
