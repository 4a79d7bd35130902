import { describe, expect, it } from 'vitest';
import type { JobView } from '$core/ai/jobs';
import type { Check, CheckId, Light } from '$core/optimizer/types';
import { actionForCheck, articleOutcome, fixableCheck } from './fix-text';

const check = (id: CheckId, light: Light, subject: string | null = null): Check => ({
  id,
  category: 'outline',
  subject,
  light,
  points: light === 'green' ? 1 : 0,
  max: 1,
  message: '',
  where: null,
  places: [],
});

function job(over: Partial<JobView>): JobView {
  return {
    id: 'job-1',
    site_id: 1,
    function: 'optimize_content',
    status: 'succeeded',
    phase: 'DONE',
    progress: 100,
    message: '',
    credits_reserved: 2,
    credits_charged: 1,
    batches_total: 1,
    batches_done: 1,
    error: null,
    result: null,
    created_by: { id: 1, name: 'Owner' },
    retry_of: null,
    created_at: 0,
    updated_at: 0,
    finished_at: 0,
    ...over,
  };
}

const fixes = (...list: [number, string, string | null][]) => ({
  fixes: list.map(([content_id, action, outcome]) => ({ content_id, action, outcome, version_id: null })),
});

describe('which check offers a fix', () => {
  it('maps each fix to the check it is for, and other checks to none', () => {
    expect(actionForCheck('placement.intro')).toBe('intro');
    expect(actionForCheck('readability.long-paragraphs')).toBe('split_paragraphs');
    expect(actionForCheck('placement.meta-description')).toBe('meta_description');
    expect(actionForCheck('placement.h2')).toBeNull();
  });

  it('offers nothing on a passed check', () => {
    const intro = check('placement.intro', 'green');
    expect(fixableCheck(intro, [intro])).toBeNull();
    const red = check('placement.intro', 'red');
    expect(fixableCheck(red, [red])).toBe('intro');
  });

  it('puts the outline fix only on the first missing section: that is the one it writes', () => {
    const thin = check('outline.section', 'amber', 'What a starter is');
    const missing = check('outline.section', 'red', 'Feeding schedule');
    const alsoMissing = check('outline.section', 'red', 'Storing a starter');
    const all = [thin, missing, alsoMissing];
    expect(all.map((c) => fixableCheck(c, all))).toEqual([null, 'outline_section', null]);
  });
});

describe('what a finished fix job says about one article', () => {
  it('names what was applied', () => {
    const done = job({
      result: fixes([7, 'intro', 'applied'], [7, 'meta_description', 'applied'], [8, 'intro', 'applied']),
    });
    expect(articleOutcome(done, 7)).toEqual({
      text: 'Intro rewritten. Meta description written.',
      tone: 'success',
    });
  });

  it('says a fix whose text changed meanwhile was neither applied nor charged', () => {
    const stale = job({ credits_charged: 0, result: fixes([7, 'intro', 'stale']) });
    expect(articleOutcome(stale, 7)).toEqual({
      text: 'Not applied, not charged: the intro changed while the AI was working.',
      tone: 'info',
    });
  });

  it('says when there was nothing to fix, without calling it a failure', () => {
    const nothing = job({
      status: 'failed',
      credits_charged: 0,
      error: 'Nothing to fix: the selected checks already pass.',
    });
    expect(articleOutcome(nothing, 7)).toEqual({
      text: 'Nothing to fix: the check already passes. Nothing was charged.',
      tone: 'info',
    });
  });

  it('reports a real failure as an error', () => {
    const failed = job({ status: 'failed', credits_charged: 0, error: 'The AI provider is not configured.' });
    expect(articleOutcome(failed, 7)).toEqual({
      text: 'The AI fix failed: The AI provider is not configured. Nothing was charged.',
      tone: 'error',
    });
    // Ended early after one fix landed: that one is charged, and the sentence says so.
    const partly = job({ status: 'failed', credits_charged: 1, error: 'The AI provider stopped answering.' });
    expect(articleOutcome(partly, 7).text).toBe(
      'The AI fix failed: The AI provider stopped answering. 1 credit charged for what was applied.',
    );
  });
});
