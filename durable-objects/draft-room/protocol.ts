/**
 * What the Worker and the DraftRoom agree on: the room's name, the headers the Worker sets on a
 * socket it has already authorized, the R2 layout of named versions, and the RPC payloads.
 */
import type { DraftMetaFields } from '../../core/draft/meta';
import type { ScoreResult } from '../../core/optimizer';
import type { EditorBrief } from '../../core/draft-score';
import type { FixAction, FixRequest, FixResult, FixTarget } from './fixes';
import { slugify } from '../../core/validation/common';
import type { StoreStats } from './storage';

/** One room per draft, named `<account>:<content>` so two tenants can never share one. */
export function roomName(accountId: number, contentId: number): string {
  return `${accountId}:${contentId}`;
}

export function parseRoomName(name: string): { accountId: number; contentId: number } {
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(name);
  if (!m) throw new Error(`Not a draft room name: ${name}`);
  return { accountId: Number(m[1]), contentId: Number(m[2]) };
}

/**
 * Set by the Worker after it checked the user's access to the content's site (with the socket's
 * grant, live-access.ts); the DraftRoom is reachable only through the Worker, so the headers
 * cannot come from a client. No headers: no socket.
 */
export const DRAFT_ACCESS_HEADER = 'x-igny8-draft-access';
export type DraftAccess = 'read' | 'write';
export const isDraftAccess = (v: string | null): v is DraftAccess => v === 'read' || v === 'write';

// ---------------------------------------------------------------- named versions in R2

export function versionPrefix(accountId: number, siteId: number, contentId: number): string {
  return `accounts/${accountId}/sites/${siteId}/content/${contentId}/versions/`;
}

/** `<UTC timestamp to the ms>-<slug>`: sorts by time, readable in a bucket listing. */
export function newVersionId(name: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:.]/g, ''); // 20261118T101500123Z
  return `${stamp}-${slugify(name).slice(0, 60)}`;
}

const VERSION_ID = /^\d{8}T\d{9}Z-[a-z0-9-]{1,60}$/;
export const isVersionId = (id: string) => VERSION_ID.test(id);
export const versionKey = (prefix: string, id: string) => `${prefix}${id}.yjs`;

/** R2 custom metadata of a version object (strings only). `format` names the payload's encoding. */
export const VERSION_FORMAT = 'yjs-update-v1';

import type { VersionInfo } from '../../core/draft/version-info';
export type { VersionInfo };

/** What saveVersion/restoreVersion answer instead of a version when the draft keeps the most it may. */
export interface VersionLimit {
  kind: 'version_limit';
  max: number;
}
export const isVersionLimit = (v: unknown): v is VersionLimit => (v as VersionLimit | null)?.kind === 'version_limit';

// ---------------------------------------------------------------- RPC payloads

export interface GenerationMeta {
  /** The AI job writing the draft: a second begin for the same job restarts it (at-least-once jobs). */
  job_id: string;
  title?: string;
  /** How many sections the outline asks for, so editors can show "AI is writing section 3 of 8". */
  total?: number;
}

/** Where a section goes in the job's output: a section already appended is not appended again. */
export interface SectionPosition {
  job_id: string;
  index: number;
}

export interface DraftSnapshot {
  html: string;
  word_count: number;
}

export type ProjectionResult =
  | { kind: 'written'; draft_revision: number }
  | { kind: 'unchanged' }
  | { kind: 'too_large'; bytes: number }
  | { kind: 'no_content_row' };

/** A generated in-article image to show in the draft, after H2 section `afterSection` (0-based; null: at the end). */
export interface ImagePlacement {
  imageId: number;
  /** Where the app serves the file: `/media/<r2 key>`, the key naming the image (`…/images/<id>/…`). */
  src: string;
  alt: string;
  afterSection: number | null;
}

/** inserted: a new node; updated: the node(s) already there now show the new file; unchanged: nothing to do. */
export interface ImagePlacementResult {
  kind: 'inserted' | 'updated' | 'unchanged';
  nodes: number;
}

/** Where the AI writer stands in a draft (kept in the document's `generation` map). */
export type GenerationState =
  | { status: 'idle' }
  | { status: 'generating'; job_id: string; title: string; sections: number; started_at: string }
  | { status: 'done'; job_id: string; title: string; sections: number; started_at: string; finished_at: string }
  /** The attempt ended without an article (it failed, or its job failed or was cancelled): the draft was put back. */
  | { status: 'stopped'; job_id: string; title: string; sections: number; started_at: string; finished_at: string };

/** A link suggestion of the room (issue 11, Linker): its anchor as a relative Yjs range (encodeRange). */
export interface RoomLinkSuggestion {
  target_page_id: number;
  target_url: string;
  target_title: string;
  anchor_text: string;
  /** encodeRange of the anchor: follows concurrent edits. */
  range: string;
  score: number;
  reason: string;
  /** The anchor in the document the suggestion was made from (what an AI pass chooses by). */
  anchor: { path: number[]; from: number; to: number };
}

export interface LinkSuggestOptions {
  /** Inventory page ids: suggest links to these pages only (inbound mode). */
  onlyTargets?: string[];
  /** The site's ceiling on links per article (linker_settings.max_links). */
  maxLinks?: number;
  /** Also return every allowed candidate (several places per target), for an AI pass to choose among. */
  candidates?: boolean;
}

export interface RoomLinkSuggestions {
  /** The draft's own inventory page (null: not projected yet, or its content row is gone). */
  source_page_id: number | null;
  suggestions: RoomLinkSuggestion[];
  candidates: { cap: number; offered: RoomLinkSuggestion[] } | null;
}

export interface LinkToApply {
  range: string;
  expectedText: string;
  href: string;
}

/**
 * What the Worker and the coordinator's writer may ask a draft room (RPC). The DraftRoom class
 * implements it; callers reach it through client.ts. Editors speak the Yjs sync protocol on the
 * socket instead.
 */
export interface DraftRoomRpc {
  beginGeneration(meta: GenerationMeta): Promise<GenerationState>;
  appendSection(h2: string, html: string, at?: SectionPosition): Promise<{ appended: boolean; blocks: number }>;
  finishGeneration(
    replaceWith?: string,
    meta?: Partial<DraftMetaFields>,
  ): Promise<DraftSnapshot & { generation: GenerationState; projection: ProjectionResult }>;
  abortGeneration(html: string): Promise<DraftSnapshot & { generation: GenerationState; projection: ProjectionResult }>;
  generation(): Promise<GenerationState>;
  replaceWithHtml(html: string): Promise<DraftSnapshot & { projection: ProjectionResult }>;
  snapshotHtml(): Promise<DraftSnapshot>;
  writeMeta(fields: Partial<DraftMetaFields>): Promise<{ meta: DraftMetaFields | null; projection: ProjectionResult }>;
  analyze(): Promise<ScoreResult | null>;
  placeImage(image: ImagePlacement): Promise<ImagePlacementResult & { projection: ProjectionResult }>;
  removeImage(imageId: number): Promise<{ removed: number; projection: ProjectionResult }>;
  saveVersion(name: string, userId: number | null): Promise<VersionInfo | VersionLimit>;
  listVersions(): Promise<VersionInfo[]>;
  restoreVersion(
    versionId: string,
    userId: number | null,
  ): Promise<(DraftSnapshot & { restored: VersionInfo; backup: VersionInfo }) | VersionLimit | null>;
  /** Link suggestions from the live document against the site inventory (read fresh). */
  suggestLinks(options: LinkSuggestOptions): Promise<RoomLinkSuggestions>;
  /** Puts a suggested link into the live document (one transaction, only while its text is there), then saves. */
  applyLink(link: LinkToApply): Promise<{ outcome: 'applied' | 'stale'; projection: ProjectionResult }>;
  /** The Optimizer's AI fixes (fixes.ts): what each action targets now, and one fix applied. */
  fixTargets(brief: EditorBrief, actions: FixAction[]): Promise<{ action: FixAction; target: FixTarget | null }[]>;
  applyFix(request: FixRequest): Promise<FixResult>;
  /**
   * The article was deleted: every socket is closed (CLOSE_DOCUMENT_DELETED) and the room's storage
   * erased; nothing is saved or projected afterwards. Its named versions in R2 are the caller's.
   */
  erase(): Promise<void>;
  /** Test servers only: drops the in-memory document as a restart would. */
  restartForTest(): Promise<void>;
  storageStats(): Promise<StoreStats & { connections: number }>;
}
