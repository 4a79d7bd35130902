import { describe, expect, it } from 'vitest';
import { repairJson } from '../../../core/ai/reader';
import { InvalidReply } from '../../../durable-objects/site-coordinator/engine/ai-function';
import type { FixTarget } from '../../../durable-objects/draft-room/fixes';
import { optimizeCost, parseFix } from './optimize-content';

const held = (text: string) => ({ at: 'x.y', text });
const meta = (target: FixTarget) => ({ content_id: 1, action: target.action, language: 'en', target });
const intro = meta({ action: 'intro', keyword: 'sourdough starter', title: 'Starter', paragraph: held('Bread.') });
const section = meta({
  action: 'outline_section',
  keyword: 'sourdough starter',
  title: 'Starter',
  section: { h2: 'Feeding schedule', coverage: 'how often' },
  before: null,
});
const split = meta({ action: 'split_paragraphs', keyword: 'k', paragraphs: [held('One. Two.'), held('Three. Four.')] });
const description = meta({
  action: 'meta_description',
  keyword: 'sourdough starter',
  title: 'T',
  current: '',
  intro: '',
});

/** What the engine hands parse(): the reply read by the tolerant reader. */
function read(content: string) {
  const r = repairJson(content);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('optimize_content replies', () => {
  it('reads fenced replies and replies wrapped in prose', () => {
    const fenced = read('```json\n{"paragraph": "A sourdough starter is easy."}\n```');
    expect(parseFix(fenced, intro)).toMatchObject({ action: 'intro', text: 'A sourdough starter is easy.' });
    const prose = read('Here you go:\n{"paragraph": "<p>Feeding a <em>sourdough starter</em> daily.</p>"}\nThanks!');
    expect(parseFix(prose, intro)).toMatchObject({ text: 'Feeding a sourdough starter daily.' });
  });

  it('refuses an intro rewrite without the keyword, and an empty one', () => {
    expect(() => parseFix({ paragraph: 'Bread is nice.' }, intro)).toThrow(InvalidReply);
    expect(() => parseFix({ paragraph: '  ' }, intro)).toThrow(InvalidReply);
    expect(() => parseFix({ result: 'ok' }, intro)).toThrow(InvalidReply);
  });

  it('takes a section as a list or bare, under the outline’s heading; refuses an empty one', () => {
    const listed = parseFix({ sections: [{ h2: 'Feeding', html: '<p>Twice a day.</p>' }] }, section);
    expect(listed).toMatchObject({ action: 'outline_section', h2: 'Feeding schedule', html: '<p>Twice a day.</p>' });
    expect(parseFix({ h2: 'Feeding schedule', html: 'Twice a day.' }, section)).toMatchObject({
      h2: 'Feeding schedule',
    });
    expect(() => parseFix({ sections: [{ h2: 'Feeding', html: '<script>x()</script>' }] }, section)).toThrow(
      InvalidReply,
    );
    expect(() => parseFix({ sections: [] }, section)).toThrow(InvalidReply);
  });

  it('keeps the splits of paragraphs it was given into two or more parts, and drops the rest', () => {
    const parsed = parseFix(
      {
        splits: [
          { index: '1', paragraphs: ['Three.', 'Four.'] },
          { index: 0, paragraphs: ['One. Two.'] },
          { index: 7, paragraphs: ['x', 'y'] },
        ],
      },
      split,
    );
    expect(parsed).toEqual({
      action: 'split_paragraphs',
      splits: [{ paragraph: held('Three. Four.'), parts: ['Three.', 'Four.'] }],
    });
    expect(() => parseFix({ splits: [{ index: 0, paragraphs: ['One. Two.'] }] }, split)).toThrow(InvalidReply);
  });

  it('fits a meta description to 156 characters with the keyword; refuses a short one or one without it', () => {
    const long = `A sourdough starter ${'needs flour, water and a little patience every single day '.repeat(4)}`;
    const { text } = parseFix({ meta_description: long }, description) as { text: string };
    expect(text.length).toBeGreaterThanOrEqual(120);
    expect(text.length).toBeLessThanOrEqual(156);
    expect(text.endsWith('.')).toBe(true);
    expect(() => parseFix({ meta_description: 'A sourdough starter guide.' }, description)).toThrow(InvalidReply);
    expect(() => parseFix({ meta_description: 'x'.repeat(130) }, description)).toThrow(InvalidReply);
  });

  it('holds credits for every action on every article', () => {
    expect(optimizeCost({ content_ids: [1, 2, 2], actions: ['intro', 'outline_section'] })).toBe(6);
  });
});
