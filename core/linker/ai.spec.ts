import { describe, expect, it } from 'vitest';
import { filterAiChoices } from './ai';
import type { LinkCandidates } from './suggest';
import type { LinkSuggestion } from './types';

const offer = (targetId: string, from: number, to: number): LinkSuggestion => ({
  targetId,
  url: `/blog/${targetId}`,
  anchor: { path: [0], from, to, text: `text ${from}` },
  score: 1,
  reason: 'its keyword',
});
const candidates: LinkCandidates = {
  cap: 2,
  offered: [offer('rye', 0, 5), offer('rye', 10, 15), offer('spelt', 3, 8), offer('oat', 20, 25)],
};

describe('filterAiChoices', () => {
  it('keeps offered choices in the AI’s order, as offered', () => {
    const reply = {
      links: [
        { targetId: 'oat', anchor: { path: [0], from: 20, to: 25 } },
        { targetId: 'rye', text: 'text 10' },
      ],
    };
    expect(filterAiChoices(candidates, reply)).toEqual([candidates.offered[3], candidates.offered[1]]);
  });

  it('drops invented targets, URLs and spans, overlaps, repeats, junk, and anything past the cap', () => {
    const reply = JSON.stringify([
      { targetId: 'wheat', anchor: { path: [0], from: 0, to: 5 } },
      { targetId: 'rye', url: 'https://spam.example', anchor: { path: [0], from: 0, to: 5 } },
      { targetId: 'rye', anchor: { path: [0], from: 1, to: 5 } },
      { targetId: 'rye', anchor: { path: [0], from: 0, to: 5, text: 'made up' } },
      'rye',
      null,
      { targetId: 'rye', anchor: { path: [0], from: 0, to: 5 } },
      { targetId: 'rye', anchor: { path: [0], from: 10, to: 15 } },
      { targetId: 'spelt', anchor: { path: [0], from: 3, to: 8 } },
      { targetId: 'oat' },
      { targetId: 'oat', anchor: { path: [0], from: 20, to: 25 } },
    ]);
    expect(filterAiChoices(candidates, reply)).toEqual([candidates.offered[0], candidates.offered[3]]);
    expect(filterAiChoices(candidates, 'not json')).toEqual([]);
  });
});
