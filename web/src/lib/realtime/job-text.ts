/**
 * How jobs read to people: function names, statuses, phases, credits and one-line outcomes.
 * Shared by the progress panel, the header button and the live announcements.
 */
import type { JobStatus, JobView, Phase } from '$core/ai/jobs';
import { PHASES } from '$core/ai/jobs';
import type { AiFunction } from '$core/domain/enums';
import type { BadgeTone } from '$lib/components/Badge.svelte';
import { plural } from '$lib/format';

export const FUNCTION_LABELS: Record<AiFunction, string> = {
  auto_cluster: 'Auto cluster',
  generate_ideas: 'Generate ideas',
  generate_content: 'Generate content',
  generate_image_prompts: 'Image prompts',
  generate_images: 'Generate images',
  optimize_content: 'AI fixes',
  link_content: 'Internal linking',
  generate_site_structure: 'Site structure',
  generate_page_content: 'Page content',
  deploy_site: 'Deploy',
  sync_integration: 'WordPress sync',
  reparse_content: 'Reparse SEO fields',
};

export const STATUS_LABELS: Record<JobStatus, { text: string; tone: BadgeTone }> = {
  reserving: { text: 'Reserving credits', tone: 'info' },
  queued: { text: 'Queued', tone: 'neutral' },
  running: { text: 'Running', tone: 'info' },
  saving: { text: 'Saving', tone: 'info' },
  succeeded: { text: 'Done', tone: 'success' },
  failed: { text: 'Failed', tone: 'danger' },
  cancelled: { text: 'Cancelled', tone: 'warning' },
};

export const PHASE_LABELS: Record<Phase, string> = {
  INIT: 'Starting',
  PREP: 'Preparing',
  AI_CALL: 'AI call',
  PARSE: 'Reading replies',
  SAVE: 'Saving',
  DONE: 'Done',
};

const PHASE_ORDER = Object.keys(PHASES) as Phase[];

/** "Phase 3 of 6: AI call". */
export function phaseText(phase: Phase): string {
  return `Phase ${PHASE_ORDER.indexOf(phase) + 1} of ${PHASE_ORDER.length}: ${PHASE_LABELS[phase]}`;
}

export function creditsText(job: JobView): string {
  if (job.status === 'succeeded') return `Charged ${plural(job.credits_charged ?? 0, 'credit')}`;
  if (job.status === 'failed' || job.status === 'cancelled') {
    // A job that ended early is charged for the units it delivered (the engine's rule) and releases the rest.
    const charged = job.credits_charged ?? 0;
    if (charged > 0)
      return (
        `Charged ${plural(charged, 'credit')} for what was delivered ` +
        `(${plural(Math.max(0, job.credits_reserved - charged), 'credit')} released)`
      );
    return job.credits_reserved ? `No charge (${plural(job.credits_reserved, 'credit')} released)` : 'No charge';
  }
  return job.credits_reserved ? `Holds ${plural(job.credits_reserved, 'credit')}` : 'Reserving credits';
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
/** ", 2 keywords left unclustered": what a job's reply did not cover, when there is any. */
const left = (n: unknown, noun: string, what: string) => (num(n) > 0 ? `, ${plural(num(n), noun)} ${what}` : '');

/** What the job produced, from its `result` (the `result` of each AI function's save()). */
export function resultText(job: JobView): string {
  const r = job.result ?? {};
  const fn = job.function;
  switch (fn) {
    case 'auto_cluster':
      return (
        `${plural(num(r.clusters), 'cluster')} from ${plural(num(r.keywords_clustered), 'keyword')}` +
        `${left(r.keywords_unassigned, 'keyword', 'left unclustered')}` +
        `${left(r.clusters_dropped, 'unusable cluster', 'left out')}`
      );
    case 'generate_ideas':
      return (
        `${plural(num(r.ideas), 'idea')} for ` +
        `${plural(num(r.clusters), 'cluster')}${left(r.ideas_dropped, 'unusable idea', 'left out')}`
      );
    case 'generate_content':
      return `${plural(num(r.articles), 'article')}, ${plural(num(r.words), 'word')}`;
    case 'generate_image_prompts':
      return (
        `${plural(num(r.prompts), 'image prompt')} for ` +
        `${plural(num(r.articles), 'article')}${left(r.prompts_dropped, 'unusable prompt', 'left out')}`
      );
    case 'generate_images':
      return plural(num(r.images), 'image');
    case 'optimize_content':
      return (
        `${plural(num(r.applied), 'fix', 'fixes')} applied` +
        (num(r.stale) > 0 ? `, ${plural(num(r.stale), 'fix', 'fixes')} skipped: the text changed meanwhile` : '') +
        (num(r.version_limit) > 0 ? `, ${plural(num(r.version_limit), 'fix', 'fixes')} skipped: versions full` : '')
      );
    case 'link_content':
      return `${plural(num(r.suggestions), 'link suggestion')} for ${plural(num(r.articles), 'article')}`;
    case 'generate_site_structure':
      return `${plural(num(r.pages), 'page')}, ${plural(num(r.taxonomies), 'category or tag', 'categories and tags')}`;
    case 'generate_page_content':
      return plural(num(r.blocks), 'block');
    case 'deploy_site':
      return `version ${num(r.version)}: ${plural(num(r.files_changed), 'file')} changed of ${num(r.files_rendered)}`;
    case 'sync_integration':
      return (
        `${plural(num(r.posts) + num(r.pages) + num(r.terms), 'WordPress item')} read, ` +
        `${plural(num(r.written), 'inventory row')} updated` +
        (num(r.drift) > 0 ? `, ${plural(num(r.drift), 'article')} changed in WordPress` : '')
      );
    case 'reparse_content':
      return `SEO fields read, ${plural(Array.isArray(r.outline) ? r.outline.length : 0, 'heading')} in the outline`;
    default:
      fn satisfies never;
      return 'finished';
  }
}

/** One sentence for the live region or a toast when a job ends. */
export function outcomeText(job: JobView, startedByMe: boolean): string {
  const what = startedByMe
    ? FUNCTION_LABELS[job.function]
    : `${FUNCTION_LABELS[job.function]} (started by ${job.created_by.name})`;
  if (job.status === 'succeeded') return `${what} finished: ${resultText(job)}. ${creditsText(job)}.`;
  const delivery = deliveryText(job);
  if (job.status === 'cancelled')
    return `${what} was cancelled${delivery ? `: ${delivery}` : ''}. ${creditsText(job)}.`;
  return `${what} failed: ${job.error ?? job.message}${delivery ? ` (${delivery})` : ''}. ${creditsText(job)}.`;
}

/** "2 of 5 articles delivered, 6 credits charged" for a job that ended early with part of its work done. */
export function deliveryText(job: JobView): string {
  const r = job.result ?? {};
  return job.status !== 'succeeded' && num(r.delivered) > 0 && typeof r.delivery === 'string' ? r.delivery : '';
}
