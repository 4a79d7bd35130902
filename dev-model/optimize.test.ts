/** optimize_content: one fix per action, written from the input so the product's checks see it work. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { optimizeContent, split } from './functions/optimize.ts';
import { startDevModelServer, type DevModelServer } from './server.ts';
import { client, fnRequest, repair } from './test-helpers.ts';

const WALL = Array.from({ length: 24 }, (_, i) => `Sentence ${i} of this wall has exactly nine words.`).join(' ');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('optimize_content', () => {
  test('intro: the paragraph opened with the keyword, its own sentences kept', () => {
    for (const title of ['A', 'B', 'C', 'D', 'E']) {
      const out = optimizeContent({
        action: 'intro',
        primary_keyword: 'raised bed soil',
        title,
        paragraph: 'Good soil makes a garden. It needs care.',
      });
      const text = (out.paragraph ?? '').replace(/<\/?p>/g, '');
      assert.match(text, /raised bed soil/i);
      assert.ok(text.endsWith('Good soil makes a garden. It needs care.'), text);
    }
  });

  test('outline_section: the section asked for, about its note, with the keyword (listed or bare)', () => {
    const shapes = new Set<string>();
    for (const h2 of ['Mixing compost', 'Watering', 'Topsoil ratios', 'Drainage', 'Mulch', 'Testing pH']) {
      const out = optimizeContent({
        action: 'outline_section',
        primary_keyword: 'raised bed soil',
        h2,
        coverage: 'ratios of compost to topsoil',
      });
      const section = out.sections?.[0] ?? { h2: out.h2!, html: out.html! };
      shapes.add(out.sections ? 'listed' : 'bare');
      assert.equal(section.h2, h2);
      assert.match(section.html, /^<p>.*<\/p>$/);
      assert.match(section.html, /raised bed soil/);
      assert.match(section.html, /ratios of compost to topsoil/);
    }
    assert.deepEqual([...shapes].sort(), ['bare', 'listed']);
  });

  test('split_paragraphs: the same words in order, no part over max_words, cut between sentences', () => {
    const out = optimizeContent({ action: 'split_paragraphs', max_words: 50, paragraphs: [WALL, 'Short one.'] });
    const [first, second] = out.splits!;
    assert.equal(first!.index, 0);
    assert.equal(squash(first!.paragraphs.join(' ')), squash(WALL));
    assert.ok(first!.paragraphs.length >= 5);
    for (const p of first!.paragraphs) {
      assert.ok(p.split(' ').length <= 50, p);
      assert.ok(p.endsWith('.'), p);
    }
    assert.deepEqual(second, { index: 1, paragraphs: ['Short one.'] });
    // A sentence longer than the limit is cut at a word.
    assert.ok(split('word '.repeat(120).trim(), 50).every((p) => p.split(' ').length <= 50));
  });

  test('meta_description: 120–156 characters with the keyword, whatever the input', () => {
    for (const [title, intro] of [
      ['The Best Soil for Raised Beds', 'Good soil makes a garden. It needs care.'],
      ['', ''],
      ['A very long title '.repeat(8), 'A sentence that goes on and on. '.repeat(10)],
    ]) {
      const d = optimizeContent({ action: 'meta_description', primary_keyword: 'raised bed soil', title, intro })
        .meta_description!;
      assert.ok(d.length >= 120 && d.length <= 156, `${d.length}: ${d}`);
      assert.match(d, /raised bed soil/i);
    }
  });
});

describe('optimize_content over HTTP', () => {
  let srv: DevModelServer;
  let ai: OpenAI;
  before(async () => {
    srv = await startDevModelServer({ streamDelayMs: 1 });
    ai = client(srv.url);
  });
  after(() => srv.close());

  test('chosen by the schema name; the fault knobs wrap it untidily', async () => {
    const input = { action: 'meta_description', primary_keyword: 'raised bed soil', title: 'Soil', intro: '' };
    const plain = await ai.chat.completions.create(fnRequest('optimize_content', input));
    const value = JSON.parse(plain.choices[0]!.message.content!) as { meta_description: string };
    assert.match(value.meta_description, /raised bed soil/i);
    for (const fault of ['fenced', 'prose', 'trailing_comma']) {
      const r = await ai.chat.completions.create(fnRequest('optimize_content', input), {
        headers: { 'x-dev-model-fault': fault },
      });
      const content = r.choices[0]!.message.content!;
      assert.throws(() => JSON.parse(content));
      assert.deepEqual(repair(content), value);
    }
  });
});
