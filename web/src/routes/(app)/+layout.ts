import { redirect } from '@sveltejs/kit';
import { session } from '$lib/session.svelte';

/**
 * Every signed-in page: restore the session (refresh cookie → access token → /me) or go to
 * sign-in with ?next= so the user comes back here. `untrack` keeps this from re-running on
 * every navigation inside the app.
 */
export async function load({ url, untrack }) {
  if (!(await session.restore())) {
    const next = untrack(() => url.pathname + url.search);
    redirect(307, `/signin?next=${encodeURIComponent(next)}`);
  }
}
