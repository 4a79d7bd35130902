/**
 * What the Optimizer's AI fixes read like (issue 11, scope item 4): each fix in one sentence before
 * the click, which check's row offers it, and the honest outcome once its job ended: a fix whose
 * text an editor changed meanwhile, or whose check already passed, was not applied and not charged,
 * and the sentence says so. Pure: no API, no state.
 */
import type { JobView } from '$core/ai/jobs';
import type { Check } from '$core/optimizer/types';
import { OPTIMIZE_ACTIONS, OPTIMIZE_CHECKS, type OptimizeAction } from '$core/validation/optimizer';
import { plural } from '$lib/format';

export interface ActionText {
  label: string;
  /** What it will do, one sentence, shown before the click. */
  does: string;
  /** What happened, once applied ("Intro rewritten"). */
  done: string;
  /** The thing it changes, for "the intro changed while the AI was working". */
  target: string;
}

export const ACTION_TEXT: Record<OptimizeAction, ActionText> = {
  intro: {
    label: 'Rewrite the intro',
    does: 'Rewrites the first paragraph so it uses the primary keyword, keeping what it says.',
    done: 'Intro rewritten',
    target: 'the intro',
  },
  outline_section: {
    label: 'Write the missing section',
    does: 'Writes the first outline section the draft lacks, under its heading from the outline.',
    done: 'Missing section written',
    target: 'the text around the missing section',
  },
  split_paragraphs: {
    label: 'Split long paragraphs',
    does: 'Splits paragraphs over 150 words into shorter ones, with the same words in the same order.',
    done: 'Long paragraphs split',
    target: 'the long paragraphs',
  },
  meta_description: {
    label: 'Write the meta description',
    does: 'Writes a meta description of 120–156 characters that uses the primary keyword.',
    done: 'Meta description written',
    target: 'the meta description',
  },
};

/** The fix aimed at a check of the score, if there is one (core/validation/optimizer OPTIMIZE_CHECKS). */
export function actionForCheck(checkId: string): OptimizeAction | null {
  return OPTIMIZE_ACTIONS.find((a) => OPTIMIZE_CHECKS[a].includes(checkId)) ?? null;
}

/**
 * The check a fix button goes on. The outline fix writes the first missing section, so only the
 * first outline section that is missing altogether (red, in outline order) gets it.
 */
export function fixableCheck(check: Check, all: readonly Check[]): OptimizeAction | null {
  if (check.light === 'green') return null;
  const action = actionForCheck(check.id);
  if (action !== 'outline_section') return action;
  const firstMissing = all.find((c) => c.id === 'outline.section' && c.light === 'red');
  return firstMissing === check ? action : null;
}

type Fix = { content_id: number; action: OptimizeAction; outcome: 'applied' | 'stale' | 'version_limit' | null };

export interface FixOutcome {
  text: string;
  tone: 'success' | 'info' | 'error';
}

const fixesOf = (job: JobView): Fix[] => (Array.isArray(job.result?.fixes) ? (job.result.fixes as Fix[]) : []);

/**
 * One article's fixes once their job ended, said as they are: "Intro rewritten", or why nothing
 * changed ("The intro changed while the AI was working: not applied, not charged").
 */
export function articleOutcome(job: JobView, contentId: number): FixOutcome {
  // A job that ends early is charged for the fixes it applied (the engine's rule), and says so.
  const charged = job.credits_charged ?? 0;
  const cost = charged > 0 ? `${plural(charged, 'credit')} charged for what was applied.` : 'Nothing was charged.';
  if (job.status === 'cancelled') return { text: `AI fix cancelled. ${cost}`, tone: 'info' };
  if (job.status === 'failed') {
    const error = job.error ?? job.message;
    // The job reads the draft when it starts: a check fixed meanwhile leaves it nothing to do.
    if (/nothing to fix/i.test(error))
      return { text: 'Nothing to fix: the check already passes. Nothing was charged.', tone: 'info' };
    return { text: `The AI fix failed: ${error} ${cost}`, tone: 'error' };
  }
  const mine = fixesOf(job).filter((f) => f.content_id === contentId);
  const applied = mine.filter((f) => f.outcome === 'applied').map((f) => ACTION_TEXT[f.action].done);
  const stale = mine.filter((f) => f.outcome === 'stale').map((f) => ACTION_TEXT[f.action].target);
  const full = mine.some((f) => f.outcome === 'version_limit');
  const notes = [
    ...(applied.length ? [`${applied.join('. ')}.`] : []),
    ...(stale.length ? [`Not applied, not charged: ${stale.join(' and ')} changed while the AI was working.`] : []),
    ...(full ? ['Not applied, not charged: the draft has no room for another version to save first.'] : []),
  ];
  if (!notes.length) return { text: 'Nothing to fix: the check already passes. Nothing was charged.', tone: 'info' };
  return { text: notes.join(' '), tone: applied.length ? 'success' : 'info' };
}

/** "1 credit", "up to 12 credits". */
export const creditsLabel = (n: number, upTo = false) => `${upTo ? 'up to ' : ''}${plural(n, 'credit')}`;
