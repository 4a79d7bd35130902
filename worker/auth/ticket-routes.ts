import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { id } from '../../core/validation/common';
import type { AppEnv } from '../env';
import { ValidationError } from '../http/errors';
import { created } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import { requireContent } from '../writer/content-access';
import { HARDENED_COOKIE, MEDIA_COOKIE } from './cookie';
import { TICKET_PURPOSES, signTicket } from './tickets';

const ticketBody = z.object({
  purpose: z
    .enum(TICKET_PURPOSES)
    .describe(
      'site_socket: /ws/sites/<site_id>; draft_socket: /parties/draft-room/<content_id>; media: the /media cookie',
    ),
  site_id: id.optional().describe('Required for site_socket'),
  content_id: id.optional().describe('Required for draft_socket'),
});

/**
 * `POST /api/v1/auth/tickets/`: a ticket (worker/auth/tickets.ts) for a socket or for `/media`.
 * Access is checked now (a site or draft the user can't see is 404, as everywhere) and again when
 * the ticket is used. A media ticket is not returned: it is set as the httpOnly cookie `<img>`
 * requests to /media carry, expiring with the access token it was issued under.
 */
export const ticketRoutes = new Hono<AppEnv>({ strict: false }).post(
  '/',
  describe('A short-lived ticket to open a site or draft socket, or the /media cookie', ['auth'], {
    description:
      'Socket tickets are valid for 60 s (connect with ?ticket=); ' +
      'the socket closes when the access token behind it expires.',
  }),
  authenticate,
  tenantContext,
  body(ticketBody),
  async (c) => {
    const input = c.req.valid('json');
    const tenant = c.get('tenant');
    let target: number | null = null;
    if (input.purpose === 'site_socket') {
      if (!input.site_id) throw new ValidationError({ site_id: ['Required for a site_socket ticket.'] });
      target = (await requireSite(tenant, input.site_id, 'read')).id;
    } else if (input.purpose === 'draft_socket') {
      if (!input.content_id) throw new ValidationError({ content_id: ['Required for a draft_socket ticket.'] });
      target = (await requireContent(tenant, input.content_id, 'read')).id;
    }
    // `authenticate` verified this token; its expiry and token version bound the ticket.
    const access = decodeJwt(
      c.req
        .header('authorization')!
        .replace(/^Bearer\s+/i, '')
        .trim(),
    );
    const { ticket, expiresAt } = await signTicket(c.env, {
      userId: tenant.user.id,
      accountId: tenant.account.id,
      role: tenant.user.role,
      purpose: input.purpose,
      target,
      sessionExp: access.exp!,
      tokenVersion: c.get('session').tokenVersion,
    });
    const expires_at = expiresAt.toISOString();
    if (input.purpose !== 'media') return created(c, { purpose: input.purpose, ticket, expires_at });
    setCookie(c, MEDIA_COOKIE, ticket, {
      ...HARDENED_COOKIE,
      path: '/media',
      maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
    });
    return created(c, { purpose: input.purpose, expires_at });
  },
);
