import { describe, expect, it } from 'vitest';
import { normalizeKeyword } from './normalize';

describe('normalizeKeyword', () => {
  it('folds case, whitespace and Unicode compatibility forms', () => {
    expect(normalizeKeyword('  Raised   Bed\tGarden ')).toBe('raised bed garden');
    expect(normalizeKeyword('ｃａｆé')).toBe('café');
    expect(normalizeKeyword('cafe\u0301')).toBe(normalizeKeyword('café'));
  });
});

describe('normalizeKeyword: what a model echoes matches its input', () => {
  it.each([
    ['Raised Bed', 'raised bed'],
    ['ＲＡＩＳＥＤ ＢＥＤ', 'raised bed'],
    ['raised\u200B bed', 'raised bed'],
    ['raised\u00A0bed', 'raised bed'],
    ['rai\u00ADsed bed\uFEFF', 'raised bed'],
    ['raised\u3000bed', 'raised bed'],
    ['raised\u200Dbed', 'raisedbed'],
  ])('%j', (echo, key) => {
    expect(normalizeKeyword(echo)).toBe(key);
  });
});
