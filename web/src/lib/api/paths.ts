/**
 * The one path the typed client (`api` in client.ts) can't give: the site's WebSocket, which the
 * worker serves outside the Hono API (worker/realtime/routes.ts, not part of AppType), on the ws(s)
 * scheme, with a site_socket ticket in the query string.
 */
const seg = (value: string | number) => encodeURIComponent(String(value));

/** The site's live channel (job progress, data changes, presence): same origin, ws(s) scheme, a site_socket ticket. */
export function siteSocketUrl(origin: string, siteId: number, ticket: string): string {
  return `${origin.replace(/^http/, 'ws')}/ws/sites/${seg(siteId)}?ticket=${encodeURIComponent(ticket)}`;
}
