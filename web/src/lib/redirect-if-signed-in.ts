import { redirect } from '@sveltejs/kit';
import { safeNext } from './safe-next';
import { session } from './session.svelte';

/** Sign-in and sign-up pages: someone with a live session goes straight on to where they were heading. */
export async function redirectIfSignedIn({ url }: { url: URL }) {
  if (await session.restore()) redirect(307, safeNext(url));
}
