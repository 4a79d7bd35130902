/**
 * Stale-while-revalidate for what a page loads (issue 14, item 13): returning to a page shows the
 * data it had at once, then the fresh answer replaces it. In memory only (one tab, gone on reload),
 * keyed by a scope (the signed-in user and acting account) plus the request, so another user or
 * account in the same tab never sees these entries: `clearCache()` on sign-out, and a different
 * scope never matches.
 */
interface Entry {
  value: unknown;
  storedAt: number;
}

/** Entries older than this are not shown even as stale: a long-idle tab would show misleading data. */
export const MAX_STALE_MS = 10 * 60 * 1000;
/** Bounded: a session that pages through hundreds of lists doesn't grow without limit. */
export const MAX_ENTRIES = 200;

const entries = new Map<string, Entry>();

export function cacheKey(scope: string, request: string): string {
  return `${scope}\u0000${request}`;
}

/** The remembered value, if fresh enough to show while the real answer loads. */
export function peek<T>(key: string, now = Date.now()): T | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (now - entry.storedAt > MAX_STALE_MS) {
    entries.delete(key);
    return undefined;
  }
  return entry.value as T;
}

export function remember(key: string, value: unknown, now = Date.now()) {
  entries.delete(key); // re-insert: Map order is the eviction order (least recently stored first)
  entries.set(key, { value, storedAt: now });
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
}

/** Forget every entry whose request starts with `prefix` (after a write to that resource), in any scope. */
export function forget(prefix: string) {
  for (const key of [...entries.keys()]) if (key.split('\u0000')[1]?.startsWith(prefix)) entries.delete(key);
}

export function clearCache() {
  entries.clear();
}

/**
 * Shows the remembered value (if any) through `show(value, true)` at once, then loads, remembers and
 * shows the fresh value (`show(value, false)`). `isCurrent()` lets a caller drop an answer that came
 * back after it moved on (another filter, another page): the race every list page guards against.
 * A failed load rethrows; the stale value stays shown.
 */
export async function revalidate<T>(
  key: string,
  load: () => Promise<T>,
  show: (value: T, stale: boolean) => void,
  isCurrent: () => boolean = () => true,
): Promise<T | undefined> {
  const stale = peek<T>(key);
  if (stale !== undefined) show(stale, true);
  const fresh = await load();
  if (!isCurrent()) return undefined;
  remember(key, fresh);
  show(fresh, false);
  return fresh;
}
