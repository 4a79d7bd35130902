import { describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff';

const ops = (before: string, after: string) => lineDiff(before, after).map((l) => `${l.op[0]} ${l.text}`);

describe('lineDiff', () => {
  it('keeps equal texts as unchanged lines', () => {
    expect(ops('a\nb', 'a\nb')).toEqual(['s a', 's b']);
  });

  it('shows a changed middle line as removed then added, with both line numbers', () => {
    const diff = lineDiff('one\ntwo\nthree', 'one\n2\nthree');
    expect(diff.map((l) => `${l.op[0]} ${l.text}`)).toEqual(['s one', 'r two', 'a 2', 's three']);
    expect(diff[1]).toMatchObject({ old: 2, new: null });
    expect(diff[2]).toMatchObject({ old: null, new: 2 });
    expect(diff[3]).toMatchObject({ old: 3, new: 3 });
  });

  it('finds the longest common lines when lines move', () => {
    expect(ops('a\nb\nc\nd', 'b\nc\na\nd')).toEqual(['r a', 's b', 's c', 'a a', 's d']);
  });

  it('handles texts that only grow or only shrink', () => {
    expect(ops('', 'x')).toEqual(['r ', 'a x']);
    expect(ops('x\ny', 'x')).toEqual(['s x', 'r y']);
    expect(ops('x', 'x\ny\nz')).toEqual(['s x', 'a y', 'a z']);
  });

  it('treats CRLF and LF line ends alike', () => {
    expect(ops('a\r\nb', 'a\nb')).toEqual(['s a', 's b']);
  });
});
