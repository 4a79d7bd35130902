import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftFragment, htmlToDraft } from '$core/draft';
import { applyLink, encodeRange, relativeRange } from '$core/draft/locate';
import { anchorContext } from './anchor-context';

const SENTENCE = 'Feed the sourdough starter daily and keep it warm.';

/** A draft of one paragraph and the stored range of "sourdough starter" in it, as the room records it. */
function setUp() {
  const doc = new Y.Doc();
  htmlToDraft(draftFragment(doc), `<p>${SENTENCE}</p>`);
  const from = SENTENCE.indexOf('sourdough starter');
  const range = relativeRange(draftFragment(doc), { path: [0], from, to: from + 'sourdough starter'.length });
  if (!range) throw new Error('no range');
  const text = (draftFragment(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  return { doc, text, range: encodeRange(range), relative: range };
}

describe('a link suggestion in the shared draft', () => {
  it('shows the anchor in its sentence, still as suggested', () => {
    const { doc, range } = setUp();
    expect(anchorContext(doc, range, 'sourdough starter')).toEqual({
      before: 'Feed the ',
      anchor: 'sourdough starter',
      after: ' daily and keep it warm.',
      state: 'intact',
    });
  });

  it('follows a co-editor typing around it, and knows when its words carry the link', () => {
    const { doc, text, range, relative } = setUp();
    text.insert(0, 'Every morning, ');
    text.insert(text.length - 1, ' in winter');
    const moved = anchorContext(doc, range, 'sourdough starter');
    expect(moved).toMatchObject({ before: 'Every morning, Feed the ', anchor: 'sourdough starter', state: 'intact' });
    expect(moved?.after).toBe(' daily and keep it warm in winter.');
    expect(applyLink(doc, relative, { expectedText: 'sourdough starter', href: '/sourdough-starter/' })).toBe(
      'applied',
    );
    expect(anchorContext(doc, range, 'sourdough starter')?.state).toBe('linked');
  });

  it('says the words changed when someone typed inside them, and nothing when they are gone', () => {
    const { doc, text, range } = setUp();
    text.insert('Feed the sourdough'.length, ' rye');
    expect(anchorContext(doc, range, 'sourdough starter')).toMatchObject({
      anchor: 'sourdough rye starter',
      state: 'changed',
    });
    text.delete(0, text.length);
    expect(anchorContext(doc, range, 'sourdough starter')).toBeNull();
  });

  it('cuts long context at a word', () => {
    const doc = new Y.Doc();
    const long = `${'word '.repeat(30)}sourdough starter${' tail'.repeat(30)}`;
    htmlToDraft(draftFragment(doc), `<p>${long}</p>`);
    const from = long.indexOf('sourdough');
    const range = relativeRange(draftFragment(doc), { path: [0], from, to: from + 'sourdough starter'.length });
    const context = anchorContext(doc, encodeRange(range!), 'sourdough starter');
    expect(context?.before.startsWith('…word')).toBe(true);
    expect(context?.after.endsWith('tail…')).toBe(true);
    expect(context!.before.length).toBeLessThanOrEqual(61);
  });
});
