import { decodeEntities } from '../html/entities';

/**
 * Plain-text fields are plain (cluster names, idea titles and outline headings, article titles,
 * meta title/description, tags, image prompts and alt text): markup and control characters are
 * stripped and the length is capped, at a word boundary when one is near. The article body is HTML
 * and goes through core/html/sanitize.ts instead.
 */
export function plainText(value: string, max: number): string {
  let s = value
    // Whole elements whose content is never text.
    .replace(/<(script|style|template|iframe|object|svg|math)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    // Tags.
    .replace(/<\/?[A-Za-z][^<>]*>/g, ' ')
    .replace(/<![^>]*>/g, ' ');
  s = decodeEntities(s)
    // Markdown emphasis and heading marks around the text: **Title**, ## Title, `code`.
    .replace(/^\s*#{1,6}\s+/, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/`([^`]*)`/g, '$1')
    // Control characters (C0, DEL, C1), invisible format characters and line/paragraph separators.
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, ' ')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Tags decoded from entities ("&lt;b&gt;") are markup too.
  if (/<\/?[A-Za-z][^<>]*>/.test(s)) return plainText(s, max);
  return cap(s, max);
}

/** At most `max` characters (code points never split), cut at a word boundary in the last fifth when there is one. */
export function cap(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  const cut = chars.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return (space >= max * 0.8 ? cut.slice(0, space) : cut).trim();
}
