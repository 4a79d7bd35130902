import type { Context } from 'hono';
import { GRANT_HEADER, type SocketGrant } from './live-access';
import { ticketOf } from '../auth/tickets';
import type { AppEnv } from '../env';

/**
 * The upgrade request a Durable Object receives for a socket the Worker authorized: the grant it
 * was opened under (who, which role and token version, until when, which site) in a header the
 * object can trust, and the URL without the ticket (partyserver keeps the socket's URL). `set`
 * replaces whatever a client sent under these names.
 */
export function authorizedUpgrade(c: Context<AppEnv>, siteId: number, headers: Record<string, string> = {}): Request {
  const tenant = c.get('tenant');
  const ticket = ticketOf(c.req.raw);
  const grant: SocketGrant = {
    user_id: tenant.user.id,
    name: tenant.user.name || tenant.user.email,
    account_id: tenant.account.id,
    role: tenant.user.role,
    tv: ticket.tokenVersion,
    exp: ticket.sessionExp * 1000,
    site_id: siteId,
    shard: tenant.shard,
  };
  const out = new Headers(c.req.raw.headers);
  out.set(GRANT_HEADER, JSON.stringify(grant));
  for (const [name, value] of Object.entries(headers)) out.set(name, value);
  const url = new URL(c.req.url);
  url.searchParams.delete('ticket');
  return new Request(url, { headers: out });
}
