import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildFixtures } from '../optimizer/fixtures/build';
import { scoreDraft } from '../optimizer/score';
import type { Where } from '../optimizer/types';
import { htmlToDraft, replaceBlocks } from './index';
import {
  applyLink,
  createLocator,
  decodeRange,
  encodeRange,
  locate,
  type Place,
  relativeRange,
  resolveRange,
  type TextSegment,
} from './locate';
import type { DraftBlock } from './schema';
import { draftBlocks, draftBlocksWithSources, draftFragment } from './yjs';

const fresh = (html?: string) => {
  const doc = new Y.Doc();
  const fragment = draftFragment(doc);
  if (html !== undefined) htmlToDraft(fragment, html);
  return { doc, fragment };
};

type Ops = { insert: unknown; attributes?: Record<string, unknown> }[];
/** The characters a segment covers in Yjs, as the editor shows them. */
const segmentText = ({ text, index, length }: TextSegment) =>
  (text.toDelta() as Ops)
    .map((op) => (typeof op.insert === 'string' ? op.insert : '\uFFFC'))
    .join('')
    .slice(index, index + length);
const located = (segments: TextSegment[] | null) => segments?.map(segmentText).join('|') ?? null;

/** Every textblock and image of a draft with its path, numbered like the optimizer's `Where`. */
function textblocks(blocks: readonly DraftBlock[], prefix: number[] = []): { path: number[]; block: DraftBlock }[] {
  return blocks.flatMap((block, i) => {
    const path = [...prefix, i];
    switch (block.type) {
      case 'paragraph':
      case 'heading':
      case 'codeBlock':
      case 'image':
        return [{ path, block }];
      case 'bulletList':
      case 'orderedList':
        return block.content.flatMap((item, j) => textblocks(item.content, [...path, j]));
      case 'blockquote':
        return textblocks(block.content, path);
      case 'table':
        return block.content.flatMap((row, r) =>
          row.content.flatMap((cell, c) => textblocks(cell.content, [...path, r, c])),
        );
      default:
        return [];
    }
  });
}

/** What the optimizer means by `from..to` of a textblock, one string per text run between hard breaks. */
function meant(block: DraftBlock, from: number, to: number): string {
  if (block.type !== 'paragraph' && block.type !== 'heading' && block.type !== 'codeBlock') return '';
  const runs: string[] = [''];
  let at = 0;
  for (const inline of block.content) {
    if (inline.type === 'hardBreak') {
      if (at >= from && at < to && runs[runs.length - 1] !== '') runs.push('');
      at += 1;
      continue;
    }
    const piece = inline.text.slice(Math.max(0, from - at), Math.max(0, to - at));
    runs[runs.length - 1] += piece;
    at += inline.text.length;
  }
  return runs.filter(Boolean).join('|');
}

function holdsBreak(block: DraftBlock, from: number, to: number): boolean {
  if (block.type !== 'paragraph' && block.type !== 'heading') return false;
  let at = 0;
  for (const inline of block.content) {
    if (inline.type === 'hardBreak' && at >= from && at < to) return true;
    at += inline.type === 'hardBreak' ? 1 : inline.text.length;
  }
  return false;
}

const blockLength = (block: DraftBlock) =>
  block.type === 'paragraph' || block.type === 'heading' || block.type === 'codeBlock'
    ? block.content.reduce((n, i) => n + (i.type === 'hardBreak' ? 1 : i.text.length), 0)
    : 0;

/** A paragraph with an image in the middle of its text, built as Tiptap's inline Image writes it. */
function imageParagraph(before: string, after: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  const img = new Y.XmlElement('image');
  img.setAttribute('src', '/media/1.jpg');
  img.setAttribute('alt', 'a loaf');
  p.insert(0, [new Y.XmlText(before), img, new Y.XmlText(after)]);
  return p;
}

const RICH =
  '<h2>Sourdough at home</h2><p>Bake <strong>sourdough bread</strong> with a starter.<br>Then rest it.</p>' +
  '<ul><li><p>Feed the starter</p><p>every morning</p></li><li>Fold <em>the dough</em></li></ul>' +
  '<blockquote><p>Patience makes bread</p></blockquote>' +
  '<table><tr><th>Flour</th><th>Water</th></tr><tr><td>500 g<br>bread flour</td><td>350 g</td></tr></table>' +
  '<pre><code>bake(250)</code></pre>';

describe('locate: a place in the draft → the Yjs text it covers', () => {
  it('reads every textblock range of a rich draft as the draft has it', () => {
    const { fragment } = fresh(RICH);
    const locator = createLocator(fragment);
    expect(locator.blocks).toEqual(draftBlocks(fragment));
    const all = textblocks(locator.blocks);
    expect(all.map((b) => b.path)).toContainEqual([2, 0, 1]); // list item 0, its second paragraph
    expect(all.map((b) => b.path)).toContainEqual([4, 1, 0, 0]); // table row 1, cell 0
    for (const { path, block } of all) {
      const length = blockLength(block);
      for (let from = 0; from <= length; from++)
        for (let to = from; to <= length; to++)
          expect(located(locator.locate({ block: path, from, to })), `${path} ${from}-${to}`).toBe(
            meant(block, from, to),
          );
    }
  });

  it('splits a range at a hard break into one segment per XmlText, the break counted once', () => {
    const { fragment } = fresh('<p>one two<br>three</p>');
    const segments = locate(fragment, { block: [0], from: 4, to: 13 });
    expect(segments?.map(segmentText)).toEqual(['two', 'three']);
    const p = fragment.get(0) as Y.XmlElement;
    expect(segments?.map((s) => s.text)).toEqual([p.get(0), p.get(2)]);
  });

  it('follows the split of a paragraph around an inline image, not the Yjs child indices', () => {
    const { doc, fragment } = fresh();
    doc.transact(() => {
      fragment.insert(0, [imageParagraph('Crust before the picture', 'crumb after it'), new Y.XmlElement('paragraph')]);
      (fragment.get(1) as Y.XmlElement).insert(0, [new Y.XmlText('Next paragraph')]);
    });
    expect(draftBlocks(fragment).map((b) => b.type)).toEqual(['paragraph', 'image', 'paragraph', 'paragraph']);
    const p = fragment.get(0) as Y.XmlElement;
    const second = locate(fragment, { block: [2], from: 0, to: 5 });
    expect(second?.map(segmentText)).toEqual(['crumb']);
    expect(second?.[0]?.text).toBe(p.get(2));
    expect(located(locate(fragment, { block: [3], from: 0, to: 4 }))).toBe('Next');
    expect(locate(fragment, { block: [1], from: 0, to: 0 })).toEqual([]);
    // The image's range spans its element, wherever it is.
    const range = relativeRange(fragment, { block: [1], from: 0, to: 0 });
    const start = range && Y.createAbsolutePositionFromRelativePosition(range.start, doc);
    const end = range && Y.createAbsolutePositionFromRelativePosition(range.end, doc);
    expect([start?.type, start?.index, end?.index]).toEqual([p, 1, 2]);
  });

  it('accepts the linker’s Anchor shape (`path`) as well as `Where` (`block`)', () => {
    const { fragment } = fresh(RICH);
    const anchor = { path: [3, 0], from: 9, to: 14, text: 'makes' };
    expect(located(locate(fragment, anchor))).toBe('makes');
  });

  it('says null for a path or offsets the draft no longer has', () => {
    const { fragment } = fresh(RICH);
    const nulls: Place[] = [
      { block: [9], from: 0, to: 1 },
      { block: [2], from: 0, to: 0 }, // a list, not a textblock
      { block: [2, 0], from: 0, to: 0 }, // a list item
      { block: [2, 5, 0], from: 0, to: 1 },
      { block: [1, 0], from: 0, to: 1 }, // a paragraph has no children blocks
      { block: [], from: 0, to: 0 },
      { block: [0], from: 0, to: 18 },
      { block: [0], from: 3, to: 2 },
      { block: [0], from: -1, to: 2 },
      { block: [0], from: 0.5, to: 2 },
    ];
    for (const place of nulls) expect(locate(fragment, place), JSON.stringify(place)).toBeNull();
    expect(locate(fragment, { block: [0], from: 0, to: 17 })).not.toBeNull();
  });

  it('finds nothing to highlight in a stand-in paragraph, and an empty one collapses', () => {
    const { doc, fragment } = fresh('<p></p>');
    doc.transact(() => {
      const list = new Y.XmlElement('bulletList');
      list.insert(0, [new Y.XmlElement('listItem')]);
      fragment.insert(1, [list]);
    });
    // draftBlocks gives the empty list item a paragraph that Yjs does not have.
    expect(draftBlocks(fragment)[1]).toEqual({
      type: 'bulletList',
      content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [] }] }],
    });
    expect(locate(fragment, { block: [1, 0, 0], from: 0, to: 0 })).toEqual([]);
    expect(relativeRange(fragment, { block: [1, 0, 0], from: 0, to: 0 })).toBeNull();
    const empty = relativeRange(fragment, { block: [0], from: 0, to: 0 });
    expect(empty).not.toBeNull();
    expect(resolveRange(doc, empty as never)).toBeNull();
  });

  it('skips embeds inside an XmlText the way draftBlocks does', () => {
    const { doc, fragment } = fresh();
    doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      const t = new Y.XmlText();
      p.insert(0, [t]);
      fragment.insert(0, [p]);
      t.insert(0, 'ab');
      t.insertEmbed(2, { mention: 1 });
      t.insert(3, 'cd');
    });
    expect(located(locate(fragment, { block: [0], from: 2, to: 4 }))).toBe('cd');
    expect(located(locate(fragment, { block: [0], from: 1, to: 3 }))).toBe('b\uFFFCc');
  });
});

describe('locate on every place the optimizer reports', () => {
  /** Every other long top-level paragraph gets an inline image in the middle of its text. */
  function withInlineImages(fragment: Y.XmlFragment) {
    const long = fragment
      .toArray()
      .filter((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === 'paragraph' && n.length === 1)
      .filter((p) => p.get(0) instanceof Y.XmlText && (p.get(0) as Y.XmlText).length >= 20)
      .filter((_, i) => i % 2 === 0);
    fragment.doc?.transact(() => {
      for (const p of long) {
        const text = p.get(0) as Y.XmlText;
        const cut = Math.floor(text.length / 2);
        const after = new Y.XmlText();
        p.insert(1, [new Y.XmlElement('image'), after]);
        let at = 0;
        for (const op of text.toDelta() as Ops) {
          const value = op.insert as string;
          const tail = value.slice(Math.max(0, cut - at));
          if (tail) after.insert(after.length, tail, op.attributes ?? {});
          at += value.length;
        }
        text.delete(cut, text.length - cut);
      }
    });
    return long.length;
  }

  const fixtures = buildFixtures().filter((f) => f.input.draft.length > 0);
  it.each([false, true])('finds the meant text for every check place (inline images: %s)', (images) => {
    let places = 0;
    for (const f of fixtures.filter((_, i) => i % 4 === 0)) {
      const { doc, fragment } = fresh();
      replaceBlocks(fragment, f.input.draft);
      if (images) expect(withInlineImages(fragment)).toBeGreaterThan(0);
      const blocks = draftBlocks(fragment);
      const result = scoreDraft({ ...f.input, draft: fragment });
      const locator = createLocator(fragment);
      const wheres: Where[] = result.checks.flatMap((c) => c.places);
      const byPath = new Map(textblocks(blocks).map((b) => [b.path.join(), b.block]));
      for (const where of wheres) {
        places++;
        const block = byPath.get(where.block.join());
        expect(block, `${f.name} ${where.block}`).toBeDefined();
        const text = meant(block as DraftBlock, where.from, where.to);
        expect(located(locator.locate(where)), `${f.name} ${where.block}`).toBe(text);
        expect(locator.relativeRange(where)).not.toBeNull();
      }
      doc.destroy();
    }
    expect(places).toBeGreaterThan(200);
  });
});

describe('relative ranges', () => {
  it('resolve to the located text, and survive encoding for storage', () => {
    const { doc, fragment } = fresh(RICH);
    for (const { path, block } of textblocks(draftBlocks(fragment))) {
      const length = blockLength(block);
      for (let from = 0; from < length; from++)
        for (let to = from + 1; to <= length; to++) {
          const range = relativeRange(fragment, { block: path, from, to });
          expect(range).not.toBeNull();
          const stored = decodeRange(encodeRange(range as NonNullable<typeof range>));
          const now = stored && resolveRange(doc, stored);
          const text = meant(block, from, to);
          // A link anchor lies within one XmlText; a range holding a hard break does not resolve.
          if (holdsBreak(block, from, to)) expect(now).toBeNull();
          else expect(now?.content, `${path} ${from}-${to}`).toBe(text);
        }
    }
  });

  it('encode to base64 text and refuse anything else', () => {
    const { fragment } = fresh('<p>some words</p>');
    const encoded = encodeRange(relativeRange(fragment, { block: [0], from: 5, to: 10 }) as never);
    expect(encoded).toMatch(/^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    for (const junk of ['', 'abc', 'a.b.c', '!!.??', '.AAAA', 'AAAA.'])
      expect(decodeRange(junk), JSON.stringify(junk)).toBeNull();
  });

  it('keep text typed at either edge outside the range', () => {
    const { doc, fragment } = fresh('<p>bake sourdough bread today</p>');
    const range = relativeRange(fragment, { block: [0], from: 5, to: 20 });
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(20, 's');
    text.insert(5, 'fresh ');
    expect(resolveRange(doc, range as never)?.content).toBe('sourdough bread');
  });

  it('say null once collapsed, or when the text is gone', () => {
    const { doc, fragment } = fresh('<p>bake sourdough bread today</p><p>other</p>');
    const range = relativeRange(fragment, { block: [0], from: 5, to: 14 }) as never;
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(5, 9);
    expect(resolveRange(doc, range)).toBeNull();
    const other = relativeRange(fragment, { block: [1], from: 0, to: 5 }) as never;
    fragment.delete(1, 1);
    expect(resolveRange(doc, other)).toBeNull();
  });
});

// ---------------------------------------------------------------- applying a link, with a co-editor

const HREF = 'https://bakery.example/starter';
const ANCHOR = 'sourdough bread';

/** Two editors of one draft; `sync` exchanges what each has that the other lacks. */
function editors(html: string) {
  const a = fresh(html);
  const b = fresh();
  const sync = () => {
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)));
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)));
  };
  sync();
  return { a, b, sync };
}

/** The suggestion as the linker stores it: a range built on one replica, kept as a string. */
const suggest = (fragment: Y.XmlFragment, place: Place) => {
  const range = relativeRange(fragment, place);
  if (!range) throw new Error('no range');
  return encodeRange(range);
};

const accept = (doc: Y.Doc, stored: string, expectedText = ANCHOR) => {
  const range = decodeRange(stored);
  if (!range) throw new Error('undecodable');
  let updates = 0;
  const count = () => updates++;
  doc.on('update', count);
  const outcome = applyLink(doc, range, { expectedText, href: HREF }, 'linker');
  doc.off('update', count);
  return { outcome, updates };
};

/** The linked runs of the draft, as `text → href`. */
function links(fragment: Y.XmlFragment): string[] {
  const out: string[] = [];
  const walk = (blocks: readonly DraftBlock[]) => {
    for (const block of blocks) {
      if (block.type === 'paragraph' || block.type === 'heading')
        for (const i of block.content)
          if (i.type === 'text')
            for (const m of i.marks ?? []) if (m.type === 'link') out.push(`${i.text} → ${m.attrs.href}`);
      if (block.type === 'blockquote') walk(block.content);
      if (block.type === 'bulletList' || block.type === 'orderedList') for (const it of block.content) walk(it.content);
      if (block.type === 'table') for (const row of block.content) for (const c of row.content) walk(c.content);
    }
  };
  walk(draftBlocks(fragment));
  return out;
}

describe('applyLink', () => {
  const PARAGRAPH = '<p>Bake sourdough bread with a starter.</p>';
  const PLACE = { block: [0], from: 5, to: 20 };

  it('lands on the same words when the other editor typed before the anchor meanwhile', () => {
    const { a, b, sync } = editors(PARAGRAPH);
    const stored = suggest(a.fragment, PLACE);
    ((b.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Really, ');
    expect(accept(a.doc, stored).outcome).toBe('applied'); // concurrently: a has not seen the insert
    sync();
    expect(links(a.fragment)).toEqual([`${ANCHOR} → ${HREF}`]);
    expect(draftBlocks(b.fragment)).toEqual(draftBlocks(a.fragment));
    expect(located(locate(b.fragment, { block: [0], from: 0, to: 13 }))).toBe('Really, Bake ');
  });

  it('lands on the same words when the insert arrived first', () => {
    const { a, b, sync } = editors(PARAGRAPH);
    const stored = suggest(a.fragment, PLACE);
    ((b.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Really, ');
    sync();
    expect(accept(a.doc, stored).outcome).toBe('applied');
    sync();
    expect(links(b.fragment)).toEqual([`${ANCHOR} → ${HREF}`]);
    expect(draftBlocks(b.fragment)).toEqual(draftBlocks(a.fragment));
  });

  it('turns stale and changes nothing when a word of the anchor was deleted', () => {
    const { a, b, sync } = editors(PARAGRAPH);
    const stored = suggest(a.fragment, PLACE);
    ((b.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).delete(5, 10); // "sourdough "
    sync();
    expect(accept(a.doc, stored)).toEqual({ outcome: 'stale', updates: 0 });
    expect(links(a.fragment)).toEqual([]);
  });

  it('turns stale when the other editor made the paragraph a heading', () => {
    const { a, b, sync } = editors(PARAGRAPH);
    const stored = suggest(a.fragment, PLACE);
    // y-prosemirror changes a node's type by replacing its element (Yjs names are fixed).
    b.doc.transact(() => {
      const heading = new Y.XmlElement('heading');
      heading.setAttribute('level', 2 as never);
      heading.insert(0, [new Y.XmlText('Bake sourdough bread with a starter.')]);
      b.fragment.delete(0, 1);
      b.fragment.insert(0, [heading]);
    });
    sync();
    expect(accept(a.doc, stored)).toEqual({ outcome: 'stale', updates: 0 });
    expect(links(a.fragment)).toEqual([]);
  });

  it('turns stale when any of the anchor is already a link (plain or y-prosemirror’s `link--hash`)', () => {
    for (const key of ['link', 'link--abcdEFGH']) {
      const { a } = editors(PARAGRAPH);
      const stored = suggest(a.fragment, PLACE);
      ((a.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).format(15, 5, { [key]: { href: '/other' } });
      expect(accept(a.doc, stored), key).toEqual({ outcome: 'stale', updates: 0 });
    }
  });

  it('turns stale when the anchor is inline code, a heading or a code block', () => {
    const { doc, fragment } = fresh('<p>Bake <code>sourdough bread</code> now</p><h2>Sourdough bread</h2>');
    expect(accept(doc, suggest(fragment, PLACE)).outcome).toBe('stale');
    expect(accept(doc, suggest(fragment, { block: [1], from: 0, to: 15 }), 'Sourdough bread').outcome).toBe('stale');
    const code = fresh('<pre><code>sourdough bread</code></pre>');
    expect(accept(code.doc, suggest(code.fragment, { block: [0], from: 0, to: 15 })).outcome).toBe('stale');
    expect(links(fragment)).toEqual([]);
  });

  it('turns stale for an anchor across a hard break, which resolveRange does not resolve', () => {
    const { doc, fragment } = fresh('<p>Bake sourdough<br>bread daily</p>');
    const range = relativeRange(fragment, { block: [0], from: 5, to: 20 });
    expect(range && resolveRange(doc, range)).toBeNull();
    expect(accept(doc, suggest(fragment, { block: [0], from: 5, to: 20 }), 'sourdoughbread').outcome).toBe('stale');
  });

  it('turns stale when the text differs by as little as its case', () => {
    const { doc, fragment } = fresh(PARAGRAPH);
    expect(accept(doc, suggest(fragment, PLACE), 'Sourdough bread').outcome).toBe('stale');
  });

  it('applies inside list items, quotes, table cells and a paragraph split by an inline image', () => {
    const { doc, fragment } = fresh(
      '<ul><li>Feed the sourdough bread starter</li></ul><blockquote><p>Good sourdough bread</p></blockquote>' +
        '<table><tr><td>Best sourdough bread</td></tr></table>',
    );
    doc.transact(() => fragment.insert(3, [imageParagraph('A photo', 'of sourdough bread')]));
    const places: Place[] = [
      { block: [0, 0, 0], from: 9, to: 24 },
      { block: [1, 0], from: 5, to: 20 },
      { block: [2, 0, 0, 0], from: 5, to: 20 },
      { block: [5], from: 3, to: 18 },
    ];
    const stored = places.map((p) => suggest(fragment, p));
    expect(stored.map((s) => accept(doc, s).outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(links(fragment)).toEqual(places.map(() => `${ANCHOR} → ${HREF}`));
    expect(draftBlocksWithSources(fragment).blocks).toEqual(draftBlocks(fragment));
  });

  it('applies once: accepting the same suggestion again is stale', () => {
    const { doc, fragment } = fresh(PARAGRAPH);
    const stored = suggest(fragment, PLACE);
    expect(accept(doc, stored)).toEqual({ outcome: 'applied', updates: 1 });
    expect(accept(doc, stored)).toEqual({ outcome: 'stale', updates: 0 });
  });
});
