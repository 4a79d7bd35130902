/**
 * The load effect every page repeated: start a request when its inputs change, and drop its answer
 * (or error) if the inputs changed again before it came back, so a slow answer for the previous
 * site or page never overwrites the current one. With `cache`, the last answer for the same request
 * is shown at once while the fresh one loads (stale-while-revalidate, ./swr.ts), scoped to the
 * signed-in user and acting account.
 *
 *   $effect(() => {
 *     void refreshes;
 *     const id = siteId;
 *     if (!id) return;
 *     return loadLatest(() => automation.rules(id), (page) => (rules = page.results), {
 *       error: (message) => (error = message),
 *       cache: `automation.rules:${id}`,
 *     });
 *   });
 */
import { messageOf } from '$lib/api/errors';
import { cacheKey, revalidate } from './swr';

export interface LoadOptions {
  /** Called with the failure's message (only if still current); a success clears nothing by itself. */
  error?: (message: string) => void;
  /** The request's cache key (what it asks for, e.g. `linker.report:12`): shows the last answer at once. */
  cache?: string;
}

/**
 * Whose cache entries these are (the session sets it: user and acting account), so another user or
 * account in this tab never sees them. Set from outside to keep this module free of the session.
 */
let scopeOf = () => 'signed-out';
export function setCacheScope(scope: () => string) {
  scopeOf = scope;
}

/** Starts `load`; `show` gets the answer while it is current. Returns the effect's cleanup. */
export function loadLatest<T>(
  load: () => Promise<T>,
  show: (value: T, stale: boolean) => void,
  options: LoadOptions = {},
): () => void {
  let current = true;
  const isCurrent = () => current;
  const shown = (value: T, stale: boolean) => {
    if (current) show(value, stale);
  };
  const loading = options.cache
    ? revalidate(cacheKey(scopeOf(), options.cache), load, shown, isCurrent)
    : load().then((value) => shown(value, false));
  loading.catch((err: unknown) => {
    if (current) options.error?.(messageOf(err));
  });
  return () => {
    current = false;
  };
}
