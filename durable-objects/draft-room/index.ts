import type { Connection, ConnectionContext } from 'partyserver';
import { YServer } from 'y-partyserver';
import * as Y from 'yjs';
import { copyFragment, draftFragment, draftToHtml, htmlToDraft, replaceDraftWithHtml, wordCount } from '../../core/draft';
import type { Env } from '../../worker/env';
import { AI_ORIGIN, appendSection, beginGeneration, finishGeneration, generationState, type GenerationState } from './generation';
import { placeImage, removeImage } from './images';
import { resolveTarget, writeProjection, type DraftTarget } from './projection';
import {
  DRAFT_ACCESS_HEADER,
  DRAFT_USER_HEADER,
  isDraftAccess,
  parseRoomName,
  versionPrefix,
  type DraftSnapshot,
  type GenerationMeta,
  type ImagePlacement,
  type ImagePlacementResult,
  type ProjectionResult,
  type SectionPosition,
  type VersionInfo,
} from './protocol';
import { DraftStore, type SaveResult, type StoreStats } from './storage';
import { getVersion, listVersions, putVersion } from './versions';

const READ_ONLY_TAG = 'access:read';
const WRITE_TAG = 'access:write';

export interface PersistResult {
  saved: SaveResult;
  projection: ProjectionResult;
}

/**
 * One per content draft (`idFromName("<account>:<content>")`): the Yjs document editors and the AI
 * write into, served with y-partyserver (the y-websocket protocol, so stock y-websocket clients
 * work too). The Worker checks access before it forwards a socket and tells the room, per socket,
 * whether it may write; the room persists the document (storage.ts), writes its HTML projection to
 * the content row (projection.ts) and keeps named versions in R2 (versions.ts).
 */
export class DraftRoom extends YServer<Env> {
  // partyserver does not hibernate unless told to (STACK.md); hibernating, an idle room costs
  // nothing while its editors stay connected.
  static override options = { hibernate: true };
  // y-partyserver's defaults, stated: save 2 s after the last change, at least every 10 s while typing.
  static override callbackOptions = { debounceWait: 2000, debounceMaxWait: 10_000 };

  private readonly store = new DraftStore(this.ctx.storage);
  private target: Promise<DraftTarget | null> | null = null;
  private lastProjection: string | null = null;
  private persisting: Promise<unknown> = Promise.resolve();

  private get room() {
    return parseRoomName(this.name);
  }

  private get fragment() {
    return draftFragment(this.document);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Refuses sockets the Worker did not authorize (every socket comes through the Worker). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket' && !isDraftAccess(request.headers.get(DRAFT_ACCESS_HEADER))) {
      return new Response('Connect through /parties/draft-room/<content id>.', { status: 403 });
    }
    return super.fetch(request);
  }

  override async onLoad(): Promise<void> {
    const restored = await this.store.load(this.document);
    if (!restored) await this.seedFromContentRow();
    this.store.track(this.document);
  }

  /**
   * A draft opened for the first time starts from the content row's HTML (written before the room
   * existed, e.g. imported). The seed is stored at once: seeded again after a restart it would be a
   * second copy (new Yjs ids) that clients still holding the first would merge in twice.
   */
  private async seedFromContentRow() {
    const { accountId, contentId } = this.room;
    const row = await resolveTarget(this.env, accountId, contentId);
    if (!row) return;
    const { html, ...target } = row;
    this.target = Promise.resolve(target);
    if (!html.trim()) return;
    htmlToDraft(this.fragment, html, AI_ORIGIN);
    await this.store.save(this.document);
  }

  /** The debounced save (y-partyserver calls it 2 s after changes stop, at most 10 s apart). */
  override async onSave(): Promise<void> {
    await this.persist();
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    // Tags are kept in the socket's attachment, so they survive hibernation.
    const access = ctx.request.headers.get(DRAFT_ACCESS_HEADER);
    const user = JSON.parse(ctx.request.headers.get(DRAFT_USER_HEADER) ?? 'null') as { user_id?: number } | null;
    return [access === 'write' ? WRITE_TAG : READ_ONLY_TAG, ...(user?.user_id ? [`user:${user.user_id}`] : [])];
  }

  /** Viewers: y-partyserver drops their sync step 2 and updates; they still get every change. */
  override isReadOnly(connection: Connection): boolean {
    return !connection.tags.includes(WRITE_TAG);
  }

  /**
   * y-partyserver fans every update out through getConnections(); with hibernation each call lists
   * the sockets again and deserializes every socket's attachment (measured: p50 broadcast latency
   * doubles at 20 clients). The list only changes on connect, close and error: keep it until then.
   */
  private connectionCache: Connection[] | null = null;

  override getConnections<TState = unknown>(tag?: string): Iterable<Connection<TState>> {
    if (tag !== undefined) return super.getConnections<TState>(tag);
    this.connectionCache ??= [...super.getConnections()];
    return this.connectionCache as Iterable<Connection<TState>>;
  }

  override onConnect(connection: Connection, ctx: ConnectionContext) {
    this.connectionCache = null;
    return super.onConnect(connection, ctx);
  }

  override onError(connection: Connection, error: unknown) {
    this.connectionCache = null;
    console.error(`DraftRoom ${this.name}: socket error`, error);
  }

  /**
   * y-partyserver does not save when the last client leaves (STACK.md), and a hibernated room may be
   * evicted before the debounce fires: save when the room empties.
   */
  override async onClose(connection: Connection, code: number, reason: string, wasClean: boolean): Promise<void> {
    this.connectionCache = null;
    super.onClose(connection, code, reason, wasClean);
    // The closing socket may still be listed while its close completes.
    this.connectionCache = [...super.getConnections()].filter((c) => c.id !== connection.id);
    if (this.connectionCache.length === 0) await this.persist();
  }

  // ---------------------------------------------------------------- persistence

  private resolveTarget(): Promise<DraftTarget | null> {
    const { accountId, contentId } = this.room;
    this.target ??= resolveTarget(this.env, accountId, contentId).then((row) => row && { accountId, contentId, shard: row.shard, siteId: row.siteId }, (err) => {
      this.target = null; // a failed lookup is retried next time
      throw err;
    });
    return this.target;
  }

  /** Saves the document, then projects it to the content row; one at a time, in order. */
  private persist(): Promise<PersistResult> {
    const run = this.persisting.then(async () => {
      const saved = await this.store.save(this.document);
      return { saved, projection: await this.project() };
    });
    this.persisting = run.catch((err) => console.error(`DraftRoom ${this.name}: save failed`, err));
    return run;
  }

  private async project(): Promise<ProjectionResult> {
    const html = draftToHtml(this.fragment);
    if (html === this.lastProjection) return { kind: 'unchanged' };
    const target = await this.resolveTarget();
    if (!target) return { kind: 'no_content_row' };
    const result = await writeProjection(this.env, target, html, wordCount(this.fragment));
    if (result.kind === 'too_large') console.warn(`DraftRoom ${this.name}: HTML projection of ${result.bytes} bytes not written (D1 row cap)`);
    this.lastProjection = html;
    return result;
  }

  private snapshot(): DraftSnapshot {
    return { html: draftToHtml(this.fragment), word_count: wordCount(this.fragment) };
  }

  /**
   * RPC calls don't pass through fetch(), where partyserver starts the room: start it (load the
   * document) before touching it.
   */
  private async ready() {
    await this.setName(this.name);
  }

  // ---------------------------------------------------------------- RPC: the AI writer

  async beginGeneration(meta: GenerationMeta): Promise<GenerationState> {
    await this.ready();
    return beginGeneration(this.document, meta);
  }

  /** Inserts a section into the live document: connected editors see it appear. */
  async appendSection(h2: string, html: string, at?: SectionPosition): Promise<{ appended: boolean; blocks: number }> {
    await this.ready();
    return appendSection(this.document, h2, html, at);
  }

  /** Marks the generation done and saves now (document and content row). */
  async finishGeneration(): Promise<DraftSnapshot & { generation: GenerationState; projection: ProjectionResult }> {
    await this.ready();
    const generation = finishGeneration(this.document);
    const { projection } = await this.persist();
    return { ...this.snapshot(), generation, projection };
  }

  async generation(): Promise<GenerationState> {
    await this.ready();
    return generationState(this.document);
  }

  // ---------------------------------------------------------------- RPC: the draft as HTML

  /** Replaces the whole draft (one change that every connected editor receives) and saves. */
  async replaceWithHtml(html: string): Promise<DraftSnapshot & { projection: ProjectionResult }> {
    await this.ready();
    replaceDraftWithHtml(this.fragment, html, AI_ORIGIN);
    const { projection } = await this.persist();
    return { ...this.snapshot(), projection };
  }

  async snapshotHtml(): Promise<DraftSnapshot> {
    await this.ready();
    return this.snapshot();
  }

  // ---------------------------------------------------------------- RPC: generated images

  /**
   * Shows a generated in-article image at the end of its section, or points the node already there
   * at the new file (regenerated): one change that connected editors receive, saved at once.
   */
  async placeImage(image: ImagePlacement): Promise<ImagePlacementResult & { projection: ProjectionResult }> {
    await this.ready();
    const placed = placeImage(this.document, image);
    // Replays and repeated placements change nothing: no save, no projection.
    if (placed.kind === 'unchanged') return { ...placed, projection: { kind: 'unchanged' } };
    const { projection } = await this.persist();
    return { ...placed, projection };
  }

  /** Takes a deleted image out of the draft (every node showing it), saved at once. */
  async removeImage(imageId: number): Promise<{ removed: number; projection: ProjectionResult }> {
    await this.ready();
    const removed = removeImage(this.document, imageId);
    // Most images asked about (new prompts clear every ungenerated one) have no node: nothing to save.
    if (removed === 0) return { removed, projection: { kind: 'unchanged' } };
    const { projection } = await this.persist();
    return { removed, projection };
  }

  // ---------------------------------------------------------------- RPC: named versions

  private async versionPrefix(): Promise<string> {
    const target = await this.resolveTarget();
    if (!target) throw new Error('The content of this draft no longer exists.');
    return versionPrefix(target.accountId, target.siteId, target.contentId);
  }

  async saveVersion(name: string, userId: number | null): Promise<VersionInfo> {
    await this.ready();
    return putVersion(this.env.MEDIA, await this.versionPrefix(), Y.encodeStateAsUpdate(this.document), { name, userId, wordCount: wordCount(this.fragment) });
  }

  async listVersions(): Promise<VersionInfo[]> {
    await this.ready();
    return listVersions(this.env.MEDIA, await this.versionPrefix());
  }

  /**
   * Puts a version's content back as a new change (the current content is first saved as a version
   * of its own): connected editors converge on it without being reset. Null: no such version.
   */
  async restoreVersion(versionId: string, userId: number | null): Promise<(DraftSnapshot & { restored: VersionInfo; backup: VersionInfo }) | null> {
    await this.ready();
    const prefix = await this.versionPrefix();
    const version = await getVersion(this.env.MEDIA, prefix, versionId);
    if (!version) return null;
    const backup = await putVersion(this.env.MEDIA, prefix, Y.encodeStateAsUpdate(this.document), {
      name: `Before restoring ${version.info.name}`.slice(0, 120),
      userId,
      wordCount: wordCount(this.fragment),
    });
    const saved = new Y.Doc();
    Y.applyUpdate(saved, version.state);
    copyFragment(this.fragment, draftFragment(saved), AI_ORIGIN);
    await this.persist();
    return { ...this.snapshot(), restored: version.info, backup };
  }

  // ---------------------------------------------------------------- RPC: tests and benchmarks

  /**
   * Test and benchmark hook (TEST_ROUTES or BENCH_ROUTES): drops the instance like a crash would
   * (no save), to prove nothing depends on memory and to measure a cold open.
   */
  async restartForTest(): Promise<void> {
    if (this.env.TEST_ROUTES !== 'true' && this.env.BENCH_ROUTES !== 'true') throw new Error('Test hooks are disabled.');
    this.ctx.abort('test: restart the draft room');
  }

  async storageStats(): Promise<StoreStats & { connections: number }> {
    await this.ready();
    return { ...this.store.stats, connections: [...this.getConnections()].length };
  }
}
