import type { GenerationState } from './generation';
import type { PersistResult } from './index';
import { isVersionLimit, roomName, type DraftSnapshot, type GenerationMeta, type ImagePlacement, type ImagePlacementResult, type ProjectionResult, type SectionPosition, type VersionInfo, type VersionLimit } from './protocol';
import type { StoreStats } from './storage';
import type { Env } from '../../worker/env';
import { Conflict } from '../../worker/http/errors';

/** A draft at its version cap answers 409 (the routes and the coordinator share this client). */
function versionOrConflict<T>(result: T): Exclude<T, { kind: 'version_limit' }> {
  if (isVersionLimit(result)) {
    throw new Conflict(`This draft already keeps ${result.max} named versions, the most it may: older automatic backups were already removed.`, 'version_limit');
  }
  return result as Exclude<T, { kind: 'version_limit' }>;
}

export type { PersistResult };

/**
 * The DraftRoom of one content draft, for the Worker and the SiteCoordinator (the AI writer):
 * typed RPC calls on the room named `<account>:<content>`. Callers check access first.
 */
export function draftRoomOf(env: Env, accountId: number, contentId: number) {
  const stub = env.DRAFT_ROOM.get(env.DRAFT_ROOM.idFromName(roomName(accountId, contentId)));
  // RPC stubs type every result as a serializable mirror; these casts name the plain shapes.
  return {
    stub,
    beginGeneration: (meta: GenerationMeta) => stub.beginGeneration(meta) as Promise<GenerationState>,
    appendSection: (h2: string, html: string, at?: SectionPosition) => stub.appendSection(h2, html, at) as Promise<{ appended: boolean; blocks: number }>,
    finishGeneration: (replaceWith?: string) => stub.finishGeneration(replaceWith) as Promise<DraftSnapshot & { generation: GenerationState; projection: ProjectionResult }>,
    abortGeneration: (html: string) => stub.abortGeneration(html) as Promise<DraftSnapshot & { generation: GenerationState; projection: ProjectionResult }>,
    generation: () => stub.generation() as Promise<GenerationState>,
    replaceWithHtml: (html: string) => stub.replaceWithHtml(html) as Promise<DraftSnapshot & { projection: ProjectionResult }>,
    snapshotHtml: () => stub.snapshotHtml() as Promise<DraftSnapshot>,
    placeImage: (image: ImagePlacement) => stub.placeImage(image) as Promise<ImagePlacementResult & { projection: ProjectionResult }>,
    removeImage: (imageId: number) => stub.removeImage(imageId) as Promise<{ removed: number; projection: ProjectionResult }>,
    saveVersion: async (name: string, userId: number | null) => versionOrConflict((await stub.saveVersion(name, userId)) as VersionInfo | VersionLimit),
    listVersions: () => stub.listVersions() as Promise<VersionInfo[]>,
    restoreVersion: async (versionId: string, userId: number | null) =>
      versionOrConflict((await stub.restoreVersion(versionId, userId)) as (DraftSnapshot & { restored: VersionInfo; backup: VersionInfo }) | VersionLimit | null),
    restartForTest: () => stub.restartForTest() as Promise<void>,
    storageStats: () => stub.storageStats() as Promise<StoreStats & { connections: number }>,
  };
}
