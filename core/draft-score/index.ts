/**
 * Scores a draft's Yjs document against its brief: the one entry point the browser's Web Worker
 * and the DraftRoom share (issue 11, scope item 3), so both read the same body, the same meta map
 * and the same link validation, and agree on the score for the same document.
 *
 * It sits above `core/optimizer` (the scorer) and `core/linker` (link validation), which know
 * nothing of each other's callers: the linker already reads the optimizer's document model.
 */
import type * as Y from 'yjs';
import { draftBlocks, draftFragment } from '../draft';
import { type DraftMetaFields, readMeta } from '../draft/meta';
import { type InventoryPage, validateLinks } from '../linker';
import { type DraftMeta, type ScoreBrief, type ScoreResult, scoreDraft } from '../optimizer';

/** Bump when the shape below changes: browsers holding an older brief fetch it again. */
export const EDITOR_BRIEF_FORMAT = 1;

/**
 * What an editor (or the room) needs besides the document to score it: the brief, the site's
 * origin and the site's pages as link targets (their terms left out: validation needs the address
 * and status only).
 */
export type EditorBrief = {
  format: number;
  content_id: number;
  language: string;
  brief: ScoreBrief;
  site_origin: string | null;
  pages: InventoryPage[];
};

/** The brief as the draft room holds it: the editor's brief, and the site's pages with their terms (the Linker's). */
export type RoomBrief = { editor: EditorBrief; siteId: number; inventory: InventoryPage[] };

const EMPTY_META: DraftMetaFields = {
  title: '',
  slug: '',
  meta_title: '',
  meta_description: '',
  primary_keyword: '',
  secondary_keywords: [],
  tags: [],
};

/** The scorer's meta from the document's meta map (empty until the room seeded it). */
export function scorerMeta(doc: Y.Doc, language: string): DraftMeta {
  const m = readMeta(doc) ?? EMPTY_META;
  return {
    title: m.title,
    slug: m.slug,
    metaTitle: m.meta_title,
    metaDescription: m.meta_description,
    primaryKeyword: m.primary_keyword,
    secondaryKeywords: m.secondary_keywords,
    language,
  };
}

export function scoreDocument(doc: Y.Doc, editor: EditorBrief): ScoreResult {
  const blocks = draftBlocks(draftFragment(doc));
  const { brokenHrefs } = validateLinks(blocks, editor.pages, editor.site_origin);
  return scoreDraft({
    draft: blocks,
    meta: scorerMeta(doc, editor.language),
    brief: editor.brief,
    links: { siteOrigin: editor.site_origin, brokenHrefs },
  });
}
