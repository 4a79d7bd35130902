/**
 * link_content: the Linker's optional AI pass. The input offers candidates (a target page and a
 * place in the article); the reply picks the first candidate of each target up to the cap, written
 * untidily (mixed key spellings, nested anchors) and mixed with picks the product must drop: an
 * invented page, an offered page at another URL, words the article doesn't hold, shifted offsets,
 * a link to the article itself. The product keeps only what was offered (core/linker filterAiChoices).
 */
import { asArray, asString, clampInt } from '../text.ts';

type Candidate = { target_id: string; url: string; text: string; path: number[]; from: number; to: number };

function candidatesOf(input: unknown): Candidate[] {
  const list = asArray((input as { candidates?: unknown } | null)?.candidates);
  return list
    .filter((c): c is Record<string, unknown> => !!c && typeof c === 'object')
    .map((c) => ({
      target_id: asString(c.target_id),
      url: asString(c.url),
      text: asString(c.text),
      path: asArray(c.path).map((n) => clampInt(n, 0, 1e6, 0)),
      from: clampInt(c.from, 0, 1e9, 0),
      to: clampInt(c.to, 0, 1e9, 0),
    }))
    .filter((c) => c.target_id);
}

export function linkContent(input: unknown): unknown {
  const cap = clampInt((input as { cap?: unknown } | null)?.cap, 0, 10, 3);
  const source = asString((input as { source_page_id?: unknown } | null)?.source_page_id);
  const offered = candidatesOf(input);
  const picks: unknown[] = [];
  const seen = new Set<string>();
  for (const c of offered) {
    if (picks.length >= cap || seen.has(c.target_id)) continue;
    seen.add(c.target_id);
    // Alternate spellings: the product reads target_id/targetId/id and a flat or nested anchor.
    picks.push(
      picks.length % 2
        ? { targetId: c.target_id, anchor: { text: c.text, path: c.path, from: c.from, to: c.to } }
        : { target_id: c.target_id, url: c.url, text: c.text, path: c.path, from: c.from, to: c.to },
    );
  }
  const first = offered[0];
  const junk: unknown[] = [{ target_id: '999999999', url: '/invented-page/', text: 'invented', from: 0, to: 8 }];
  if (first) {
    junk.push(
      { target_id: first.target_id, url: 'https://elsewhere.example/not-offered/', text: first.text },
      { target_id: first.target_id, text: 'words the article does not hold', path: first.path, from: 0, to: 5 },
      { target_id: first.target_id, path: first.path, from: first.from + 1, to: first.to + 1 },
      { id: first.target_id, anchor: 'a bare string anchor' },
    );
  }
  if (source) junk.push({ target_id: source, url: '/itself/', text: first?.text ?? 'self', from: 0, to: 4 });
  junk.push('not an object', null, 42);
  // Junk first: a product that stops reading at its cap after the invented picks would lose the good ones.
  return { links: [...junk, ...picks], note: 'Chosen for relevance.' };
}
