/**
 * The key keywords and cluster names are matched on: Unicode NFKC, lower case, whitespace
 * collapsed. "Raised  Bed Garden" and "raised bed garden" are the same keyword in a sector, and
 * a model that echoes a keyword with different case or stray spaces still matches it.
 */
export function normalizeKeyword(value: string): string {
  return value.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();
}
