import { describe, expect, it } from 'vitest';
import { ruleConfig } from '../validation/automation';
import { estimateRun, explainShortfall } from './estimate';

const config = (over: object = {}) => ruleConfig.parse(over);

describe('estimateRun', () => {
  it('counts the worst case of every stage with the seed’s costs', () => {
    const uncapped = config({ caps: { articles_per_day: null, images_per_day: null } });
    const e = estimateRun(uncapped, { keywords: 20 });
    // 20 keywords in one clustering call: 1; worst case 20 clusters × 7 ideas; 140 articles × 3; × 5 images.
    expect(e).toMatchObject({ input: 20, clustering: 1, ideas: 140, content: 420, images: 700, limited_by: null });
    expect(e.total).toBe(1 + 140 + 420 + 700);
  });

  it('keeps a new rule’s worst case within a trial balance through the default daily caps', () => {
    const e = estimateRun(config(), { keywords: 20 });
    expect(e).toMatchObject({ content: 5 * 3, images: 25, limited_by: 'articles_per_day' });
    expect(e.total).toBeLessThanOrEqual(500);
  });

  it('charges clustering per call of keywords_per_call keywords (1 per 30, at least 1 each)', () => {
    const c = config({ batches: { keywords_per_run: 100, keywords_per_call: 20 } });
    expect(estimateRun(c, { keywords: 100 }).clustering).toBe(5);
    expect(estimateRun(c, { keywords: 45 }).clustering).toBe(3);
    expect(estimateRun(c, { keywords: 0 }).total).toBe(0);
  });

  it('takes at most keywords_per_run keywords', () => {
    const e = estimateRun(config({ batches: { keywords_per_run: 10 } }), { keywords: 500 });
    expect(e.input).toBe(10);
    expect(e.ideas).toBe(70);
  });

  it('bounds articles and images by the daily caps, counting what the rule used today', () => {
    const c = config({ caps: { articles_per_day: 6, images_per_day: 8 } });
    const e = estimateRun(c, { keywords: 20, usedToday: { articles: 4, images: 0 } });
    expect(e).toMatchObject({ articles: 2, content: 6, image_count: 8, images: 8, limited_by: 'images_per_day' });
    expect(estimateRun(c, { keywords: 20, usedToday: { articles: 9 } }).content).toBe(0);
  });

  it('counts only the featured image when the rule asks for featured images only', () => {
    const e = estimateRun(config({ images: 'featured', caps: { articles_per_day: 4 } }), { keywords: 20 });
    expect(e.images).toBe(4);
  });

  it('skips the stages a rule does not run, and reads the input as the first stage’s items', () => {
    const upToIdeas = config({ stages: ['clustering', 'ideas'] });
    expect(estimateRun(upToIdeas, { keywords: 20 })).toMatchObject({ content: 0, images: 0, total: 141 });
    const fromContent = config({
      stages: ['content', 'image_prompts', 'images'],
      images: 'featured',
      caps: { articles_per_day: null },
    });
    expect(estimateRun(fromContent, { keywords: 12 })).toMatchObject({ clustering: 0, ideas: 0, total: 36 + 12 });
    const imagesOnly = config({ stages: ['images'], caps: { images_per_day: null } });
    expect(estimateRun(imagesOnly, { keywords: 30 })).toMatchObject({ articles: 0, image_count: 30, total: 30 });
  });

  it('is bounded by credits_per_run and what credits_per_day leaves', () => {
    const c = config({ caps: { credits_per_run: 100, credits_per_day: 300 } });
    expect(estimateRun(c, { keywords: 20 })).toMatchObject({ total: 100, limited_by: 'credits_per_run' });
    const late = estimateRun(c, { keywords: 20, usedToday: { credits: 250 } });
    expect(late).toMatchObject({ total: 50, limited_by: 'credits_per_day' });
  });
});

describe('explainShortfall', () => {
  it('is null when the balance covers the run', () => {
    const e = estimateRun(config({ caps: { credits_per_run: 50 } }), { keywords: 20 });
    expect(explainShortfall(e, 50)).toBeNull();
  });

  it('names the cap that bounds the run', () => {
    const e = estimateRun(config({ caps: { credits_per_run: 74 } }), { keywords: 20 });
    expect(explainShortfall(e, 40)).toBe(
      'This run can use up to 74 credits; the balance is 40. Lower caps.credits_per_run, or add credits.',
    );
  });

  it('names articles_per_day (and images_per_day when images weigh most) and keywords_per_run', () => {
    const few = estimateRun(config({ images: 'featured', caps: { articles_per_day: 10 } }), { keywords: 2 });
    expect(few.total).toBe(1 + 14 + 30 + 10);
    expect(explainShortfall(few, 40)).toBe(
      'This run can use up to 55 credits; the balance is 40. ' +
        'Lower caps.articles_per_day or batches.keywords_per_run, or add credits.',
    );
    expect(explainShortfall(estimateRun(config(), { keywords: 20 }), 40)).toContain(
      'Lower caps.articles_per_day, caps.images_per_day or batches.keywords_per_run',
    );
    const ideasOnly = estimateRun(config({ stages: ['clustering', 'ideas'] }), { keywords: 20 });
    expect(explainShortfall(ideasOnly, 40)).toContain('Lower batches.keywords_per_run, or add credits.');
  });
});
