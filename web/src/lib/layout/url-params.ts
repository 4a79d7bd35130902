import { replaceState } from '$app/navigation';
import { page } from '$app/state';

/** Mirrors the site/sector choice into the address bar without a navigation (shallow routing). */
export function mirrorSelection(params: Record<string, number | null>) {
  const url = new URL(page.url);
  for (const [key, value] of Object.entries(params)) {
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, String(value));
  }
  if (url.href !== page.url.href) replaceState(url, page.state);
}
