/**
 * Tickets (worker/auth/tickets.ts): what a WebSocket's query string and the /media cookie carry
 * instead of the access token. A socket ticket is good for a minute, so one is asked for right
 * before every (re)connect; the API client refreshes the access token first when it expired.
 */
import { api, read } from '$lib/api/client';

const tickets = api.api.v1.auth.tickets;

/**
 * A ticket to open the site's channel or a draft's room; null when none can be had (offline, signed out,
 * no access).
 */
export async function socketTicket(purpose: 'site_socket' | 'draft_socket', id: number): Promise<string | null> {
  try {
    const body = purpose === 'site_socket' ? { purpose, site_id: id } : { purpose, content_id: id };
    const res = await read(tickets.$post({ json: body }));
    return 'ticket' in res.data ? res.data.ticket : null;
  } catch {
    return null;
  }
}

/** Sets the httpOnly media cookie (a media ticket) for the current access token; resolves to when it expires (ms). */
export async function mediaTicket(): Promise<number> {
  const res = await read(tickets.$post({ json: { purpose: 'media' } }));
  return Date.parse(res.data.expires_at);
}
