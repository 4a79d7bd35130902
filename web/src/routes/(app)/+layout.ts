import { session } from '$lib/session.svelte';

/**
 * Every signed-in page: the session probe (refresh cookie → access token and /me, one round trip)
 * starts here but is NOT awaited, so the app shell paints at once and the page's own requests go
 * out as soon as the token exists; +layout.svelte shows a skeleton until /me is in and sends a
 * signed-out visitor to sign-in with ?next= so they come back here.
 */
export function load() {
  void session.restore();
}
