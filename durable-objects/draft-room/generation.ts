/**
 * The AI writer's side of a draft: the SiteCoordinator begins a generation, appends sections as the
 * model produces them (everyone connected sees them arrive, since they are ordinary Yjs changes),
 * then finishes. Its progress lives in the document itself (root map `generation`), so an editor
 * can show "AI is writing section 3" and it survives restarts with the draft.
 *
 * Jobs run at least once (DESIGN §7): a begin for the job already running restarts its output, and a
 * section whose index was already appended is skipped.
 */
import type * as Y from 'yjs';
import { draftFragment, htmlToDraft, replaceBlocks, replaceDraftWithHtml } from '../../core/draft';
import { escapeText } from '../../core/html/entities';
import type { GenerationMeta, GenerationState, SectionPosition } from './protocol';

export const GENERATION_MAP = 'generation';
/** Transaction origin of the AI's writes (editors' undo managers don't track it). */
export const AI_ORIGIN = 'ai-writer';

export function generationState(doc: Y.Doc): GenerationState {
  const m = doc.getMap<unknown>(GENERATION_MAP);
  const status = m.get('status');
  const common = {
    job_id: String(m.get('job_id') ?? ''),
    title: String(m.get('title') ?? ''),
    sections: Number(m.get('sections') ?? 0),
    started_at: String(m.get('started_at') ?? ''),
  };
  if (status === 'generating') return { status, ...common };
  if (status === 'done' || status === 'stopped')
    return { status, ...common, finished_at: String(m.get('finished_at') ?? '') };
  return { status: 'idle' };
}

/** Empties the draft for the job's output and marks it as being written. */
export function beginGeneration(doc: Y.Doc, meta: GenerationMeta): GenerationState {
  doc.transact(() => {
    replaceBlocks(draftFragment(doc), []);
    const m = doc.getMap<unknown>(GENERATION_MAP);
    m.set('status', 'generating');
    m.set('job_id', meta.job_id);
    m.set('title', meta.title ?? '');
    m.set('sections', 0);
    // Read by the editor only (not part of GenerationState): 0 when the outline is unknown.
    m.set('total', meta.total ?? 0);
    m.set('started_at', new Date().toISOString());
    m.delete('finished_at');
  }, AI_ORIGIN);
  return generationState(doc);
}

/** Appends `<h2>` + the section's HTML (sanitized); false when this section was already appended. */
export function appendSection(
  doc: Y.Doc,
  h2: string,
  html: string,
  at?: SectionPosition,
): { appended: boolean; blocks: number } {
  const state = generationState(doc);
  if (at && state.status !== 'idle' && state.job_id === at.job_id && at.index < state.sections)
    return { appended: false, blocks: 0 };
  let blocks = 0;
  doc.transact(() => {
    blocks = htmlToDraft(draftFragment(doc), `${h2.trim() ? `<h2>${escapeText(h2.trim())}</h2>` : ''}${html}`);
    const m = doc.getMap<unknown>(GENERATION_MAP);
    if (m.get('status') === 'generating') m.set('sections', Number(m.get('sections') ?? 0) + 1);
  }, AI_ORIGIN);
  return { appended: true, blocks };
}

/**
 * Marks the generation done. `replaceWith` (the parsed article, when what streamed differs from it)
 * becomes the whole draft in the same change, so the draft holds exactly what is saved and charged.
 */
export function finishGeneration(doc: Y.Doc, replaceWith?: string): GenerationState {
  doc.transact(() => {
    if (replaceWith !== undefined) replaceDraftWithHtml(draftFragment(doc), replaceWith);
    const m = doc.getMap<unknown>(GENERATION_MAP);
    if (m.get('status') !== 'generating') return;
    m.set('status', 'done');
    m.set('finished_at', new Date().toISOString());
  }, AI_ORIGIN);
  return generationState(doc);
}

/** The AI stopped without finishing: the draft no longer says "generating" (a retry begins anew). */
export function stopGeneration(doc: Y.Doc): GenerationState {
  doc.transact(() => {
    const m = doc.getMap<unknown>(GENERATION_MAP);
    if (m.get('status') !== 'generating') return;
    m.set('status', 'stopped');
    m.set('finished_at', new Date().toISOString());
  }, AI_ORIGIN);
  return generationState(doc);
}
