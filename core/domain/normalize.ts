/** Characters that are invisible in a keyword: zero-width space/joiners, word joiner, BOM, soft hyphen. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

/**
 * The key keywords and cluster names are matched on: Unicode NFKC (full-width forms, NBSP and
 * other compatibility spaces fold to their plain forms), invisible characters removed, lower case,
 * whitespace collapsed. "Raised  Bed Garden" and "raised bed garden" are the same keyword in a
 * sector, and a model that echoes a keyword with different case, width or stray spaces still matches it.
 */
export function normalizeKeyword(value: string): string {
  return value.normalize('NFKC').replace(INVISIBLE, '').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();
}
