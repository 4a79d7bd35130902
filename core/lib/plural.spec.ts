import { describe, expect, it } from 'vitest';
import { plural } from './plural';

describe('plural', () => {
  it('names one in the singular and every other count in the plural, with grouped digits', () => {
    expect(plural(1, 'article')).toBe('1 article');
    expect(plural(0, 'article')).toBe('0 articles');
    expect(plural(1234, 'entry', 'entries')).toBe('1,234 entries');
  });
});
