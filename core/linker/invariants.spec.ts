/**
 * The Linker's hard rules as invariants over hundreds of seeded synthetic sites: every suggestion
 * (and every AI choice that survives) is re-checked here against the draft and the inventory with
 * this spec's own readers, not the Linker's.
 */
import { describe, expect, it } from 'vitest';
import type { DraftBlock, DraftInline } from '../draft/schema';
import { readDoc } from '../optimizer/document';
import { stemOf } from '../optimizer/language';
import { filterAiChoices } from './ai';
import { inventoryOf, ORIGIN, prng, type Rng, sourceOf } from './fixtures/build';
import { linkCandidates, suggestLinks } from './suggest';
import type { InventoryPage, LinkSource, LinkSuggestion } from './types';

const CASES = 300;

/** The textblock at a path, and its inline content, read straight from the draft. */
function at(blocks: readonly DraftBlock[], path: readonly number[]): { type: string; content: DraftInline[] } | null {
  let list: readonly DraftBlock[] = blocks;
  let i = 0;
  while (i < path.length) {
    const block = list[path[i] as number];
    if (!block) return null;
    if (block.type === 'paragraph' || block.type === 'heading' || block.type === 'codeBlock')
      return i === path.length - 1 ? block : null;
    if (block.type === 'bulletList' || block.type === 'orderedList') {
      list = block.content[path[i + 1] as number]?.content ?? [];
      i += 2;
    } else if (block.type === 'blockquote') {
      list = block.content;
      i += 1;
    } else if (block.type === 'table') {
      list = block.content[path[i + 1] as number]?.content[path[i + 2] as number]?.content ?? [];
      i += 3;
    } else return null;
  }
  return null;
}

/** The block's text and the ranges covered by a link or code mark. */
function textAndMarked(content: readonly DraftInline[]) {
  let text = '';
  const marked: { from: number; to: number }[] = [];
  for (const piece of content) {
    const value = piece.type === 'hardBreak' ? '\n' : piece.text;
    if (piece.type === 'text' && piece.marks?.some((m) => m.type === 'link' || m.type === 'code'))
      marked.push({ from: text.length, to: text.length + value.length });
    text += value;
  }
  return { text, marked };
}

const stems = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => stemOf(w, 'en'));
const STOP = new Set(['the', 'a', 'for', 'and', 'with', 'of', 'to', 'in', 'your', 'how']);
const contentStems = (s: string) =>
  (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w)).map((w) => stemOf(w, 'en'));
const runIn = (run: readonly string[], whole: readonly string[]) =>
  run.length > 0 && whole.some((_, i) => run.every((s, k) => whole[i + k] === s));
const path = (url: string) =>
  url
    .replace(ORIGIN, '')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');

function expectWithinRules(suggestions: readonly LinkSuggestion[], source: LinkSource, inventory: InventoryPage[]) {
  const words = readDoc(source.blocks, 'en').words;
  expect(suggestions.length).toBeLessThanOrEqual(Math.min(10, Math.max(2, Math.round(words / 250))));
  expect(new Set(suggestions.map((s) => s.targetId)).size).toBe(suggestions.length);
  expect(new Set(suggestions.map((s) => path(s.url))).size, 'one link per address').toBe(suggestions.length);
  for (const s of suggestions) {
    const page = inventory.find((p) => p.id === s.targetId && p.url === s.url);
    expect(page, 'target in the inventory').toBeDefined();
    if (!page) continue;
    expect(['published', 'scheduled']).toContain(page.status);
    if (source.publishedAt != null) {
      const live = page.status === 'published' ? page.publishedAt : page.scheduledAt;
      expect(live).not.toBeNull();
      expect(live as number).toBeLessThanOrEqual(source.publishedAt);
    }
    expect(page.id).not.toBe(source.id);
    expect(path(page.url)).not.toBe(path(source.url ?? ''));
    const block = at(source.blocks, s.anchor.path);
    expect(block?.type, 'anchor in body text').toBe('paragraph');
    const { text, marked } = textAndMarked(block?.content ?? []);
    expect(text.slice(s.anchor.from, s.anchor.to)).toBe(s.anchor.text);
    expect(s.anchor.text).not.toMatch(/[\n,.!?]/);
    expect(text.slice(s.anchor.from - 1, s.anchor.from)).not.toMatch(/[\p{L}\p{N}]/u);
    expect(text.slice(s.anchor.to, s.anchor.to + 1)).not.toMatch(/[\p{L}\p{N}]/u);
    expect(
      marked.some((m) => m.from < s.anchor.to && s.anchor.from < m.to),
      'not in a link or code',
    ).toBe(false);
    const anchor = stems(s.anchor.text);
    const keyword = stems(page.primaryKeyword);
    const isKeyword = anchor.join(' ') === keyword.join(' ');
    expect(isKeyword || (anchor.length >= 2 && runIn(anchor, stems(page.title))), 'keyword or title words').toBe(true);
    expect(runIn(contentStems(source.meta.primaryKeyword), contentStems(s.anchor.text))).toBe(false);
    // Already linked from the draft: not again.
    const linkedPaths = source.blocks.flatMap(
      (b) =>
        JSON.stringify(b)
          .match(/"href":"[^"]*"/g)
          ?.map((h) => path(h.slice(8, -1))) ?? [],
    );
    expect(linkedPaths).not.toContain(path(page.url));
  }
  for (const [i, a] of suggestions.entries())
    for (const b of suggestions.slice(i + 1))
      expect(
        a.anchor.path.join() === b.anchor.path.join() && a.anchor.from < b.anchor.to && b.anchor.from < a.anchor.to,
        'no overlap',
      ).toBe(false);
}

function site(seed: number) {
  const rng = prng(seed);
  const inventory = inventoryOf(rng, 20 + rng.int(120));
  const source = sourceOf(rng, inventory, 100 + rng.int(1500));
  const settings = { siteOrigin: ORIGIN, maxLinks: rng.chance(0.3) ? rng.int(12) : undefined };
  return { rng, inventory, source, settings };
}

describe('linker invariants on fuzzed sites', () => {
  it(`keeps every suggestion within the hard rules (${CASES} seeded sites)`, () => {
    let total = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const { inventory, source, settings } = site(seed);
      const suggestions = suggestLinks({ source, inventory, settings });
      if (settings.maxLinks !== undefined) expect(suggestions.length).toBeLessThanOrEqual(settings.maxLinks);
      expectWithinRules(suggestions, source, inventory);
      total += suggestions.length;
    }
    // The rules are not met by suggesting nothing: most sites get links.
    expect(total).toBeGreaterThan(CASES);
  });

  it('gives the same suggestions for the same input', () => {
    const { inventory, source, settings } = site(7);
    expect(suggestLinks({ source, inventory: [...inventory], settings })).toEqual(
      suggestLinks({ source, inventory, settings }),
    );
  });
});

/** An untidy model reply: offered choices, altered ones, invented ones and junk, in any wrapping. */
function untidyReply(rng: Rng, offered: readonly LinkSuggestion[], inventory: readonly InventoryPage[]): unknown {
  const items: unknown[] = [];
  for (let i = rng.int(12); i > 0; i--) {
    const s = offered.length ? rng.pick(offered) : null;
    const page = rng.pick(inventory);
    const roll = rng.int(11);
    if (roll === 0 && s) items.push({ targetId: s.targetId, anchor: s.anchor });
    else if (roll === 1 && s) items.push({ ...s, url: `https://elsewhere.example/${s.targetId}` });
    else if (roll === 2 && s) items.push({ targetId: s.targetId, anchor: { ...s.anchor, from: s.anchor.from + 1 } });
    else if (roll === 3 && s) items.push({ targetId: s.targetId, anchor: { ...s.anchor, text: 'invented words' } });
    else if (roll === 4) items.push({ targetId: page.id, url: page.url, anchor: { path: [0], from: 0, to: 4 } });
    else if (roll === 5) items.push({ targetId: 'source', anchor: s?.anchor });
    else if (roll === 6 && s) items.push(s, s);
    else if (roll === 7) items.push(null, 42, 'link everything', [s]);
    else if (roll === 8 && s) items.push({ id: s.targetId, text: s.anchor.text });
    else if (roll === 9 && s) items.push({ targetId: s.targetId, anchor: { path: 'x', from: '1', to: null } });
    else if (s) items.push({ targetId: s.targetId });
  }
  const wrap = rng.int(4);
  return wrap === 0 ? items : wrap === 1 ? { links: items } : wrap === 2 ? JSON.stringify({ choices: items }) : '{oops';
}

describe('AI pass on fuzzed replies', () => {
  it(`lets through only offered suggestions within the rules (${CASES} untidy replies)`, () => {
    let kept = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const { rng, inventory, source, settings } = site(seed);
      const candidates = linkCandidates({ source, inventory, settings });
      const chosen = filterAiChoices(candidates, untidyReply(rng, candidates.offered, inventory));
      for (const c of chosen) expect(candidates.offered).toContain(c);
      expectWithinRules(chosen, source, inventory);
      kept += chosen.length;
    }
    expect(kept).toBeGreaterThan(0);
  });
});
