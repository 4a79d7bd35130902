/**
 * The Optimizer's AI fixes in the shared draft (issue 11, scope item 4). The coordinator's
 * `optimize_content` reads what a fix targets (`fixTargets`: the scorer's own checks name the
 * intro, the long paragraphs and the missing outline section) and later hands the model's text to
 * `applyFix`, which changes only that target, in one transaction editors receive like any other
 * change: the rest of the draft, where editors may be typing, is left alone.
 *
 * A target is a top-level block held by Yjs relative positions (it follows edits around it) plus
 * the text the job read: if an editor changed or removed it since, the fix is `stale` and nothing
 * is written (never clobber a person's words with an AI rewrite of older text).
 */
import * as Y from 'yjs';
import { type EditorBrief, scoreDocument } from '../../core/draft-score';
import { decodeRange, encodeRange } from '../../core/draft/locate';
import { readMeta, writeMeta } from '../../core/draft/meta';
import type { DraftBlock, DraftInline } from '../../core/draft/schema';
import { blockToY, blocksOf, draftBlocksWithSources, draftFragment } from '../../core/draft/yjs';
import { htmlToBlocks } from '../../core/draft/from-html';
import { escapeText } from '../../core/html/entities';
import type { Check } from '../../core/optimizer';
import type { VersionInfo } from '../../core/draft/version-info';

export const FIX_ACTIONS = ['intro', 'outline_section', 'split_paragraphs', 'meta_description'] as const;
export type FixAction = (typeof FIX_ACTIONS)[number];

/** A top-level block of the draft as the job read it: where it is (encodeRange over the element) and its text. */
export type HeldBlock = { at: string; text: string };

export type FixTarget =
  | { action: 'intro'; keyword: string; title: string; paragraph: HeldBlock }
  | { action: 'split_paragraphs'; keyword: string; paragraphs: HeldBlock[] }
  | {
      action: 'outline_section';
      keyword: string;
      title: string;
      section: { h2: string; coverage: string };
      /** The outline section present after it, as a heading to insert before; null: at the end of the draft. */
      before: HeldBlock | null;
    }
  | { action: 'meta_description'; keyword: string; title: string; current: string; intro: string };

export type FixChange =
  | { action: 'intro'; paragraph: HeldBlock; text: string }
  | { action: 'split_paragraphs'; splits: { paragraph: HeldBlock; parts: string[] }[] }
  | { action: 'outline_section'; before: HeldBlock | null; h2: string; html: string }
  | { action: 'meta_description'; current: string; text: string };

/**
 * applied: in the draft; stale: its target changed meanwhile, nothing written; version_limit: no
 * backup could be saved, nothing written.
 */
export type FixOutcome = 'applied' | 'stale' | 'version_limit';

const checksOf = (checks: readonly Check[], id: string) => checks.filter((c) => c.id === id);

/** The text of a textblock element as the draft reads it (a hard break is a newline). */
function elementText(el: Y.XmlElement): string {
  return blocksOf(el, [], true)
    .map((b) => ('content' in b && Array.isArray(b.content) ? inlineText(b.content as DraftInline[]) : ''))
    .join('\n');
}

const inlineText = (content: readonly DraftInline[]) =>
  content.map((i) => (i.type === 'text' ? i.text : '\n')).join('');

type Read = ReturnType<typeof draftBlocksWithSources>;

/** The top-level element the scorer's block path `[i]` was read from (in `read`), and its index in the fragment. */
function topLevel(fragment: Y.XmlFragment, { blocks, sources }: Read, path: readonly number[]) {
  if (path.length !== 1) return null; // nested (a list item, a quote): not a fix target
  const block = blocks[path[0]!];
  const node = block && sources.get(block)?.node;
  if (!(node instanceof Y.XmlElement) || node.parent !== fragment) return null;
  return { node, index: fragment.toArray().indexOf(node) };
}

function hold(fragment: Y.XmlFragment, node: Y.XmlElement, index: number): HeldBlock {
  const start = Y.createRelativePositionFromTypeIndex(fragment, index, 0);
  const end = Y.createRelativePositionFromTypeIndex(fragment, index + 1, -1);
  return { at: encodeRange({ start, end }), text: elementText(node) };
}

/** Where a held block is now, if it is still there with the text the job read (else null: stale). */
function resolveHeld(doc: Y.Doc, held: HeldBlock, kind: string) {
  const range = decodeRange(held.at);
  if (!range) return null;
  const fragment = draftFragment(doc);
  const start = Y.createAbsolutePositionFromRelativePosition(range.start, doc);
  const end = Y.createAbsolutePositionFromRelativePosition(range.end, doc);
  // A deleted element resolves both ends to where it was: one element between them means it is there.
  if (!start || !end || start.type !== fragment || end.type !== fragment || end.index - start.index !== 1) return null;
  const node = fragment.get(start.index);
  if (!(node instanceof Y.XmlElement) || node.nodeName !== kind || elementText(node) !== held.text) return null;
  return { node, index: start.index };
}

/** What each action would change in the draft now (null: nothing to fix), read with the scorer's checks. */
export function fixTargets(doc: Y.Doc, brief: EditorBrief, actions: readonly FixAction[]) {
  const fragment = draftFragment(doc);
  const score = scoreDocument(doc, brief);
  const meta = readMeta(doc);
  const keyword = meta?.primary_keyword.trim() ?? '';
  const title = meta?.title ?? '';
  const read = draftBlocksWithSources(fragment);
  const firstParagraph = read.blocks.find((b) => b.type === 'paragraph' && inlineText(b.content).trim());
  const introText = firstParagraph?.type === 'paragraph' ? inlineText(firstParagraph.content) : '';
  const target = (action: FixAction): FixTarget | null => {
    switch (action) {
      case 'intro': {
        const check = checksOf(score.checks, 'placement.intro')[0];
        const place = check?.places[0];
        const found = place && keyword ? topLevel(fragment, read, place.block) : null;
        return found ? { action, keyword, title, paragraph: hold(fragment, found.node, found.index) } : null;
      }
      case 'split_paragraphs': {
        const places = checksOf(score.checks, 'readability.long-paragraphs')[0]?.places ?? [];
        const paragraphs = places
          .map((p) => topLevel(fragment, read, p.block))
          .filter((f) => f !== null)
          .map((f) => hold(fragment, f.node, f.index));
        return paragraphs.length ? { action, keyword, paragraphs } : null;
      }
      case 'outline_section': {
        const sections = checksOf(score.checks, 'outline.section');
        const missing = sections.findIndex((c) => c.places.length === 0);
        if (missing < 0) return null;
        const outline = brief.brief.outline.filter((s) => s.h2.trim());
        const section = outline[missing];
        if (!section) return null;
        // In outline order: before the next outline section the draft has (a top-level heading).
        let before: HeldBlock | null = null;
        for (const next of sections.slice(missing + 1)) {
          const found = next.places[0] ? topLevel(fragment, read, next.places[0].block) : null;
          if (found) {
            before = hold(fragment, found.node, found.index);
            break;
          }
        }
        return { action, keyword, title, section: { h2: section.h2.trim(), coverage: section.coverage }, before };
      }
      case 'meta_description': {
        // Without a primary keyword there is nothing to write it around (the check asks to set one first).
        if (!keyword) return null;
        const current = meta?.meta_description ?? '';
        // Green: the keyword is in it and its length fits the band (core/optimizer placement).
        if (checksOf(score.checks, 'placement.meta-description')[0]?.light === 'green') return null;
        return { action, keyword, title, current, intro: introText };
      }
    }
  };
  return actions.map((action) => ({ action, target: target(action) }));
}

/** `content` cut at `offsets` (characters of its text): the paragraphs of a split, marks and links kept. */
function splitInlines(content: readonly DraftInline[], offsets: readonly number[]): DraftInline[][] {
  const out: DraftInline[][] = [[]];
  let at = 0;
  let cut = 0;
  for (const inline of content) {
    if (inline.type !== 'text') {
      at += 1;
      out[out.length - 1]!.push(inline);
      continue;
    }
    let text = inline.text;
    while (cut < offsets.length && offsets[cut]! < at + text.length) {
      const k = offsets[cut]! - at;
      if (k > 0) out[out.length - 1]!.push({ ...inline, text: text.slice(0, k) });
      out.push([]);
      text = text.slice(k);
      at += k;
      cut++;
    }
    if (text) out[out.length - 1]!.push({ ...inline, text });
    at += text.length;
  }
  return out.map((parts) => trimInlines(parts)).filter((parts) => parts.length);
}

function trimInlines(parts: DraftInline[]): DraftInline[] {
  const out = parts.map((p) => ({ ...p }));
  const first = out[0];
  if (first?.type === 'text') first.text = first.text.trimStart();
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text = last.text.trimEnd();
  return out.filter((p) => p.type !== 'text' || p.text);
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The paragraphs a long paragraph becomes. When the parts are its own words cut in places (what
 * was asked), the cuts are made in the paragraph itself so its links and formatting stay; a
 * reworded split becomes plain paragraphs of the model's text.
 */
function splitBlocks(node: Y.XmlElement, parts: readonly string[]): DraftBlock[] {
  const [own] = blocksOf(node, [], true);
  const content = own?.type === 'paragraph' ? own.content : [];
  const text = inlineText(content);
  if (squash(parts.join(' ')) === squash(text)) {
    // Same words in the same order: each cut falls after as many non-space characters as the parts before it hold.
    const offsets: number[] = [];
    let at = 0;
    for (const part of parts.slice(0, -1)) {
      let need = part.replace(/\s+/g, '').length;
      while (at < text.length && need > 0) if (!/\s/.test(text[at++]!)) need--;
      offsets.push(at);
    }
    return splitInlines(content, offsets).map((c) => ({ type: 'paragraph', content: c }));
  }
  return parts.flatMap((p) => htmlToBlocks(`<p>${escapeText(p.trim())}</p>`));
}

/** Writes `change` in one transaction if its target is intact; false: stale, nothing written. */
export function applyFixChange(doc: Y.Doc, change: FixChange, origin: unknown): boolean {
  const fragment = draftFragment(doc);
  let applied = false;
  doc.transact(() => {
    switch (change.action) {
      case 'intro': {
        const now = resolveHeld(doc, change.paragraph, 'paragraph');
        if (!now) return;
        const blocks = htmlToBlocks(`<p>${escapeText(change.text.trim())}</p>`);
        fragment.delete(now.index, 1);
        fragment.insert(now.index, blocks.map(blockToY));
        applied = true;
        return;
      }
      case 'split_paragraphs': {
        // Each intact paragraph is split; one an editor changed meanwhile keeps their words.
        const intact = change.splits
          .map((s) => ({ s, now: resolveHeld(doc, s.paragraph, 'paragraph') }))
          .filter((x) => x.now !== null)
          .sort((a, b) => b.now!.index - a.now!.index);
        for (const { s, now } of intact) {
          const blocks = splitBlocks(now!.node, s.parts);
          fragment.delete(now!.index, 1);
          fragment.insert(now!.index, blocks.map(blockToY));
        }
        applied = intact.length > 0;
        return;
      }
      case 'outline_section': {
        const exists = headingExists(doc, change.h2);
        const before = change.before ? resolveHeld(doc, change.before, 'heading') : null;
        if (exists || (change.before && !before)) return;
        const blocks = htmlToBlocks(`<h2>${escapeText(change.h2.trim())}</h2>${change.html}`);
        fragment.insert(before ? before.index : fragment.length, blocks.map(blockToY));
        applied = true;
        return;
      }
      case 'meta_description': {
        if ((readMeta(doc)?.meta_description ?? '') !== change.current) return;
        writeMeta(doc, { meta_description: change.text }, origin);
        applied = true;
        return;
      }
    }
  }, origin);
  return applied;
}

// ---------------------------------------------------------------- the room's side of one fix

/** One fix of a job: `key` names it (job and unit), so an attempt run again answers what the first did. */
export interface FixRequest {
  key: string;
  user_id: number | null;
  change: FixChange;
}

export interface FixResult {
  outcome: FixOutcome;
  /** The backup saved before the change ("Before AI fix: <action>"), when one was. */
  version: VersionInfo | null;
}

/** What applyFix needs of the room: a backup version of the document as it is now, and a save. */
export interface FixPorts {
  /** `version_limit` (protocol.ts VersionLimit): the draft keeps the most versions it may, all named by people. */
  backup(name: string): Promise<VersionInfo | { kind: 'version_limit' }>;
  persist(): Promise<unknown>;
}

const FIX_KEY_PREFIX = 'optimizer-fix/';
/** How long a fix's answer is kept for replays: a job's attempts end within hours; a week is generous. */
export const FIX_MEMORY_MS = 7 * 24 * 3600 * 1000;
type StoredFix = FixResult & { at: number };

/**
 * Applies one fix: answered from storage when this key already ran (jobs run at least once); a
 * stale target writes nothing and saves no version; otherwise the draft as it is is saved as a
 * version first, then the change goes in (its target checked again: editors may have typed while
 * the version was written) and the draft is saved and scored.
 *
 * The backup is an automatic version: at the draft's version cap it makes room by dropping the
 * oldest automatic backup. When every kept version was named by a person, nothing is dropped and
 * the fix is not applied (`version_limit`, not charged): an AI rewrite never lands without a way back.
 */
export async function applyFix(
  doc: Y.Doc,
  storage: DurableObjectStorage,
  request: FixRequest,
  ports: FixPorts,
  origin: unknown,
): Promise<FixResult> {
  const key = `${FIX_KEY_PREFIX}${request.key}`;
  const done = await storage.get<StoredFix>(key);
  if (done) return { outcome: done.outcome, version: done.version };
  let result: FixResult;
  if (!targetIntact(doc, request.change)) result = { outcome: 'stale', version: null };
  else {
    const version = await ports.backup(`Before AI fix: ${request.change.action}`);
    if ('kind' in version) result = { outcome: 'version_limit', version: null };
    else result = { outcome: applyFixChange(doc, request.change, origin) ? 'applied' : 'stale', version };
  }
  await forgetOldFixes(storage);
  await storage.put(key, { ...result, at: Date.now() } satisfies StoredFix);
  if (result.outcome === 'applied') await ports.persist();
  return result;
}

/** The answers of fixes whose jobs ended long ago go (the room keeps no list of jobs otherwise). */
async function forgetOldFixes(storage: DurableObjectStorage) {
  const old: string[] = [];
  for (const [key, value] of await storage.list<StoredFix>({ prefix: FIX_KEY_PREFIX }))
    if (!(value.at > Date.now() - FIX_MEMORY_MS)) old.push(key);
  if (old.length) await storage.delete(old.slice(0, 128));
}

/** Whether the change's target is still as the job read it (applyFixChange checks again when it writes). */
export function targetIntact(doc: Y.Doc, change: FixChange): boolean {
  switch (change.action) {
    case 'intro':
      return resolveHeld(doc, change.paragraph, 'paragraph') !== null;
    case 'split_paragraphs':
      return change.splits.some((s) => resolveHeld(doc, s.paragraph, 'paragraph') !== null);
    case 'outline_section':
      return !headingExists(doc, change.h2) && (!change.before || resolveHeld(doc, change.before, 'heading') !== null);
    case 'meta_description':
      return (readMeta(doc)?.meta_description ?? '') === change.current;
  }
}

function headingExists(doc: Y.Doc, h2: string): boolean {
  const wanted = squash(h2).toLowerCase();
  return draftFragment(doc)
    .toArray()
    .some(
      (n) => n instanceof Y.XmlElement && n.nodeName === 'heading' && squash(elementText(n)).toLowerCase() === wanted,
    );
}
