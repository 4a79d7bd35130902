import { describe, expect, it } from 'vitest';
import { normalizeKeyword } from './normalize';

describe('normalizeKeyword', () => {
  it('folds case, whitespace and Unicode compatibility forms', () => {
    expect(normalizeKeyword('  Raised   Bed\tGarden ')).toBe('raised bed garden');
    expect(normalizeKeyword('ｃａｆé')).toBe('café');
    expect(normalizeKeyword('cafe\u0301')).toBe(normalizeKeyword('café'));
  });
});
