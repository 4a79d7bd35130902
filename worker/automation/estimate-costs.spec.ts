import { describe, expect, it } from 'vitest';
import { COSTS, MAX_IDEAS_PER_CLUSTER } from '../../core/automation/estimate';
import { creditsForKeywords } from '../planner/ai/auto-cluster';
import { MAX_IDEAS_PER_CLUSTER as IDEAS_HOLD } from '../planner/ai/generate-ideas';
import { CREDITS_PER_PIECE } from '../writer/ai/generate-content';
import { CREDITS_PER_IMAGE } from '../writer/ai/generate-images';

/**
 * The run estimate (core/automation/estimate.ts) is pure and can't import the AI functions (the
 * layer rule), so it repeats their prices: this keeps the copies equal. If a price changes there,
 * the up-front refusal must change with it.
 */
describe('run estimate prices', () => {
  it('match what the AI functions hold and charge', () => {
    expect(MAX_IDEAS_PER_CLUSTER).toBe(IDEAS_HOLD);
    expect(COSTS.per_article).toBe(CREDITS_PER_PIECE);
    expect(COSTS.per_image).toBe(CREDITS_PER_IMAGE);
    for (const n of [1, 20, 30, 31, 45, 100])
      expect(Math.max(1, Math.ceil(n / COSTS.keywords_per_clustering_credit))).toBe(creditsForKeywords(n));
  });
});
