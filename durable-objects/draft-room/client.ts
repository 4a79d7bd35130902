import type { DraftMetaFields } from '../../core/draft/meta';
import type { Remote } from '../../core/lib/remote';
import type { Env } from '../../worker/env';
import { Conflict } from '../../worker/http/errors';
import {
  isVersionLimit,
  roomName,
  type DraftRoomRpc,
  type GenerationMeta,
  type ImagePlacement,
  type LinkSuggestOptions,
  type LinkToApply,
  type SectionPosition,
} from './protocol';
import type { EditorBrief } from '../../core/draft-score';
import type { FixAction, FixRequest } from './fixes';

/** The room's stub as callers use it: the RPC methods of protocol.ts, and fetch for the editors' sockets. */
type DraftRoomStub = Remote<DraftRoomRpc> & { fetch(request: Request): Promise<Response> };

/** A draft at its version cap answers 409 (the routes and the coordinator share this client). */
function versionOrConflict<T>(result: T): Exclude<T, { kind: 'version_limit' }> {
  if (isVersionLimit(result)) {
    throw new Conflict(
      `This draft already keeps ${result.max} named versions, the most it may: ` +
        'older automatic backups were already removed.',
      'version_limit',
    );
  }
  return result as Exclude<T, { kind: 'version_limit' }>;
}

/**
 * The DraftRoom of one content draft, for the Worker and the SiteCoordinator (the AI writer): the
 * room named `<account>:<content>`, typed by its protocol (the worker never imports the class).
 * Callers check access first. Version calls turn the room's "at its cap" answer into a 409.
 */
export function draftRoomOf(env: Env, accountId: number, contentId: number) {
  const ns = env.DRAFT_ROOM;
  const stub = ns.get(ns.idFromName(roomName(accountId, contentId))) as unknown as DraftRoomStub;
  return {
    stub,
    beginGeneration: (meta: GenerationMeta) => stub.beginGeneration(meta),
    appendSection: (h2: string, html: string, at?: SectionPosition) => stub.appendSection(h2, html, at),
    finishGeneration: (replaceWith?: string, meta?: Partial<DraftMetaFields>) =>
      stub.finishGeneration(replaceWith, meta),
    writeMeta: (fields: Partial<DraftMetaFields>) => stub.writeMeta(fields),
    analyze: () => stub.analyze(),
    abortGeneration: (html: string) => stub.abortGeneration(html),
    generation: () => stub.generation(),
    erase: () => stub.erase(),
    replaceWithHtml: (html: string) => stub.replaceWithHtml(html),
    snapshotHtml: () => stub.snapshotHtml(),
    placeImage: (image: ImagePlacement) => stub.placeImage(image),
    removeImage: (imageId: number) => stub.removeImage(imageId),
    saveVersion: async (name: string, userId: number | null) => versionOrConflict(await stub.saveVersion(name, userId)),
    listVersions: () => stub.listVersions(),
    restoreVersion: async (versionId: string, userId: number | null) =>
      versionOrConflict(await stub.restoreVersion(versionId, userId)),
    suggestLinks: (options: LinkSuggestOptions = {}) => stub.suggestLinks(options),
    applyLink: (link: LinkToApply) => stub.applyLink(link),
    fixTargets: (brief: EditorBrief, actions: FixAction[]) => stub.fixTargets(brief, actions),
    applyFix: (request: FixRequest) => stub.applyFix(request),
    restartForTest: () => stub.restartForTest(),
    storageStats: () => stub.storageStats(),
  };
}
