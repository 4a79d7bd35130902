/**
 * Named versions of a draft in R2 (MEDIA bucket), next to the content's other files:
 * `accounts/<a>/sites/<s>/content/<id>/versions/<timestamp>-<slug>.yjs`, each the full Yjs state
 * (Y.encodeStateAsUpdate) with who saved it and when in the object's custom metadata.
 */
import { MAX_VERSIONS_PER_DRAFT } from '../../core/realtime/limits';
import { VERSION_FORMAT, isVersionId, newVersionId, versionKey, type VersionInfo, type VersionLimit } from './protocol';

/** `auto`: a backup the room made itself (before a restore), the first to go at the cap. */
export async function putVersion(
  bucket: R2Bucket,
  prefix: string,
  state: Uint8Array,
  meta: { name: string; userId: number | null; wordCount: number; auto?: boolean },
): Promise<VersionInfo> {
  const at = new Date();
  const id = newVersionId(meta.name, at);
  const info: VersionInfo = {
    id,
    name: meta.name,
    created_at: at.toISOString(),
    user_id: meta.userId,
    bytes: state.byteLength,
    word_count: meta.wordCount,
  };
  await bucket.put(versionKey(prefix, id), state, {
    httpMetadata: { contentType: 'application/octet-stream' },
    customMetadata: {
      format: VERSION_FORMAT,
      name: info.name,
      created_at: info.created_at,
      user_id: info.user_id === null ? '' : String(info.user_id),
      word_count: String(info.word_count),
      ...(meta.auto ? { auto: '1' } : {}),
    },
  });
  return info;
}

function infoOf(prefix: string, object: R2Object): VersionInfo | null {
  const id = object.key.slice(prefix.length).replace(/\.yjs$/, '');
  if (!isVersionId(id)) return null;
  const m = object.customMetadata ?? {};
  return {
    id,
    name: m.name ?? id,
    created_at: m.created_at ?? object.uploaded.toISOString(),
    user_id: m.user_id ? Number(m.user_id) : null,
    bytes: object.size,
    word_count: Number(m.word_count ?? 0),
  };
}

/**
 * Before a new version: under MAX_VERSIONS_PER_DRAFT, nothing to do; at it, the oldest automatic
 * backup is deleted (null) or, if every version was named by someone, the limit is answered.
 */
export async function makeRoomForVersion(
  bucket: R2Bucket,
  prefix: string,
  max = MAX_VERSIONS_PER_DRAFT,
): Promise<VersionLimit | null> {
  const all: { key: string; auto: boolean }[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, include: ['customMetadata'] });
    for (const object of page.objects) {
      if (!isVersionId(object.key.slice(prefix.length).replace(/\.yjs$/, ''))) continue;
      // Backups saved before the flag existed are recognised by their name.
      const auto =
        object.customMetadata?.auto === '1' || (object.customMetadata?.name ?? '').startsWith('Before restoring ');
      all.push({ key: object.key, auto });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  if (all.length < max) return null;
  // Keys sort by time (the id starts with a timestamp): the first automatic one is the oldest.
  const oldest = all
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .filter((v) => v.auto)
    .slice(0, all.length - max + 1);
  if (oldest.length < all.length - max + 1) return { kind: 'version_limit', max };
  await bucket.delete(oldest.map((v) => v.key));
  return null;
}

/** Every version of the draft, newest first. */
export async function listVersions(bucket: R2Bucket, prefix: string): Promise<VersionInfo[]> {
  const out: VersionInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, include: ['customMetadata'] });
    for (const object of page.objects) {
      const info = infoOf(prefix, object);
      if (info) out.push(info);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** A version's state and description (null: no such version of this draft). */
export async function getVersion(
  bucket: R2Bucket,
  prefix: string,
  id: string,
): Promise<{ info: VersionInfo; state: Uint8Array } | null> {
  if (!isVersionId(id)) return null; // never a path outside this draft's prefix
  const object = await bucket.get(versionKey(prefix, id));
  if (!object) return null;
  const format = object.customMetadata?.format;
  if (format !== VERSION_FORMAT) throw new Error(`Version ${id} has unknown format ${format ?? '(none)'}`);
  const info = infoOf(prefix, object)!;
  return { info, state: new Uint8Array(await object.arrayBuffer()) };
}
