import type { Connection, ConnectionContext } from 'partyserver';
import { YServer } from 'y-partyserver';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  CLOSE_DOCUMENT_DELETED,
  CLOSE_DOCUMENT_TOO_LARGE,
  CLOSE_RATE_LIMITED,
  CLOSE_TOO_MANY_SOCKETS,
  closeMessage,
} from '../../core/realtime/close-codes';
import {
  LIMITS_MAP,
  MAX_SOCKETS_PER_USER,
  MessageRate,
  REVALIDATE_EVERY_MS,
  type DraftLimitNotice,
} from '../../core/realtime/limits';
import {
  copyFragment,
  draftFragment,
  draftToHtml,
  htmlToDraft,
  replaceDraftWithHtml,
  isMetaSeeded,
  readMeta,
  seedMeta,
  wordCount,
  writeMeta,
  type DraftMetaFields,
} from '../../core/draft';
import type { ScoreResult } from '../../core/optimizer';
import type { EditorBrief } from '../../core/draft-score';
import type { Env } from '../../worker/env';
import { checkGrants, readGrant, type SocketGrant } from '../../worker/realtime/live-access';
import {
  AI_ORIGIN,
  appendSection,
  beginGeneration,
  finishGeneration,
  generationState,
  stopGeneration,
} from './generation';
import { RoomFanout, syncStep2Frame } from './fanout';
import {
  DraftSize,
  MESSAGE_AWARENESS,
  MESSAGE_SYNC,
  asksForWholeDocument,
  bytesOf,
  filterAwareness,
  syncUpdateOf,
  type Frame,
} from './guard';
import { placeImage, removeImage } from './images';
import { applyFix, fixTargets, type FixAction, type FixRequest, type FixResult } from './fixes';
import { applyLinkToDoc, sourcePageOf, suggestFromDoc } from './links';
import { DraftAnalysis } from './analysis';
import { analysisPorts } from './features';
import { projectedSlug, resolveTarget, writeProjection, type DraftTarget } from './projection';
import {
  DRAFT_ACCESS_HEADER,
  isDraftAccess,
  parseRoomName,
  versionPrefix,
  type DraftSnapshot,
  type GenerationMeta,
  type GenerationState,
  type ImagePlacement,
  type ImagePlacementResult,
  type LinkSuggestOptions,
  type LinkToApply,
  type ProjectionResult,
  type RoomLinkSuggestions,
  type SectionPosition,
  type VersionInfo,
  type VersionLimit,
} from './protocol';
import { DraftStore, type SaveResult, type StoreStats } from './storage';
import { SaveTimer } from './save-timer';
import { getVersion, listVersions, makeRoomForVersion, putVersion } from './versions';

const READ_ONLY_TAG = 'access:read';
const WRITE_TAG = 'access:write';

export interface PersistResult {
  saved: SaveResult;
  projection: ProjectionResult;
}

/** Kept in each socket's attachment (partyserver connection state), so it survives hibernation. */
interface SocketState {
  grant?: SocketGrant;
  /** The Yjs client id the socket announced first: the only one it may send awareness for. */
  awarenessClient?: number;
}

/**
 * One per content draft (`idFromName("<account>:<content>")`): the Yjs document editors and the AI
 * write into, served with y-partyserver (the y-websocket protocol, so stock y-websocket clients
 * work too). The Worker checks access before it forwards a socket and tells the room, per socket,
 * whether it may write; the room persists the document (storage.ts), writes its HTML projection to
 * the content row (projection.ts) and keeps named versions in R2 (versions.ts).
 *
 * Each socket keeps the grant it was opened under; while sockets are open the alarm re-checks them
 * (live-access.ts) and closes those that lost access. What a socket may send is bounded
 * (guard.ts): awareness for its own client only, a message rate, a document size, sockets per user.
 */
export class DraftRoom extends YServer<Env> {
  // partyserver does not hibernate unless told to (STACK.md); hibernating, an idle room costs
  // nothing while its editors stay connected.
  static override options = { hibernate: true };
  // y-partyserver's defaults, stated: save 2 s after the last change, at least every 10 s while typing.
  static override callbackOptions = { debounceWait: 2000, debounceMaxWait: 10_000 };

  private readonly store = new DraftStore(this.ctx.storage);
  private readonly analysis = new DraftAnalysis(analysisPorts(this.env));
  /** The score of the last projection (what analyze answers without scoring again). */
  private lastScore: ScoreResult | null = null;
  private target: Promise<DraftTarget | null> | null = null;
  private lastProjection: string | null = null;
  /**
   * False once the projection was written and nothing changed since: the room emptying (every
   * editor closed the tab) then costs no HTML rendering of the whole draft (~0.1 s at 1.6 MB).
   */
  private projectionStale = true;
  private persisting: Promise<unknown> = Promise.resolve();
  /** Set by erase(): the article is gone, so nothing may be saved or projected again in this instance. */
  private erased = false;
  private readonly size = new DraftSize(this.document);
  /** Per socket, in memory: a hibernated room forgets the counts, which only idle sockets allow. */
  private readonly rates = new WeakMap<Connection, MessageRate>();
  /** Updates and awareness go out merged, once per tick (fanout.ts). */
  private readonly fanout = new RoomFanout<Connection>(() => this.getConnections(), this.document.awareness);
  /** The answer to a client that holds nothing yet (sync step 2 with the whole document); dropped on any change. */
  private wholeDocument: Uint8Array | null = null;

  private get room() {
    return parseRoomName(this.name);
  }

  private get fragment() {
    return draftFragment(this.document);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Refuses sockets the Worker did not authorize (every socket comes through the Worker). */
  override async fetch(request: Request): Promise<Response> {
    const upgrade = request.headers.get('upgrade')?.toLowerCase() === 'websocket';
    if (upgrade && (!isDraftAccess(request.headers.get(DRAFT_ACCESS_HEADER)) || !readGrant(request.headers))) {
      return new Response('Connect through /parties/draft-room/<content id>.', { status: 403 });
    }
    return super.fetch(request);
  }

  override async onLoad(): Promise<void> {
    const restored = await this.store.load(this.document);
    if (!restored) await this.seedFromContentRow();
    else if (!isMetaSeeded(this.document)) await this.seedMetaFromContentRow();
    this.store.track(this.document);
    const loaded = restored ? this.store.loaded : null;
    if (loaded) this.size.assume(loaded.bytes);
    if (loaded?.wholeState) this.wholeDocument = syncStep2Frame(loaded.wholeState);
  }

  /**
   * Replaces YServer.onStart (y-partyserver 2.2.0), which sends one frame per update and per
   * awareness message to every socket and rewrites a socket's attachment on every awareness message
   * it relays: here updates and awareness changes are merged per tick (fanout.ts) and a socket's
   * awareness client is recorded once (relayAwareness). The rest is as there: load, the debounced
   * save, and a sync step 1 to the sockets that stayed open while the room hibernated (they hold
   * changes this instance has not seen).
   */
  override async onStart(): Promise<void> {
    await this.onLoad();
    const { debounceWait, debounceMaxWait } = (this.constructor as typeof DraftRoom).callbackOptions;
    const save = () => this.onSave().catch((err) => console.error(`DraftRoom ${this.name}: save failed`, err));
    const saveTimer = new SaveTimer(save, debounceWait, debounceMaxWait);
    this.document.on('update', (update: Uint8Array, origin: unknown) => {
      this.wholeDocument = null;
      this.projectionStale = true;
      this.fanout.update(update, origin);
      saveTimer.changed();
    });
    this.document.awareness.on('update', ({ added, updated, removed }: AwarenessChange) => {
      this.fanout.awarenessChanged([...added, ...updated, ...removed]);
    });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.document);
    const step1 = encoding.toUint8Array(encoder);
    for (const connection of this.getConnections()) sendQuietly(connection, step1);
    this.started = true;
  }

  /** True once onStart finished in this instance (a woken room is a new instance: false until then). */
  private started = false;
  /** Sockets partyserver already checked and wrapped as connections in this instance. */
  private readonly knownSockets = new WeakSet<WebSocket>();

  /**
   * partyserver reads every message's socket attachment again to check it is one of its sockets
   * (a structured-clone read per message: 7% of the room's time with 20 editors typing). A socket
   * it accepted once stays one: later messages go straight to onMessage. After a wake this
   * instance knows no socket, so the first message of each takes partyserver's path (and starts
   * the room) again.
   */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (!this.started || !this.knownSockets.has(ws)) {
      await super.webSocketMessage(ws, message);
      // Wrapped by partyserver (it skips sockets that are not its own): the socket is the connection.
      if (this.started && typeof (ws as Partial<Connection>).id === 'string') this.knownSockets.add(ws);
      return;
    }
    try {
      this.onMessage(ws as unknown as Connection, message);
    } catch (err) {
      console.error(`DraftRoom ${this.name}: message failed`, err);
    }
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
    const { html, meta, ...target } = row;
    this.target = Promise.resolve(target);
    seedMeta(this.document, meta, AI_ORIGIN);
    if (html.trim()) htmlToDraft(this.fragment, html, AI_ORIGIN);
    await this.store.save(this.document);
  }

  /** A draft saved before meta fields lived in the document gets them from its row, once (as the body above). */
  private async seedMetaFromContentRow() {
    const { accountId, contentId } = this.room;
    const row = await resolveTarget(this.env, accountId, contentId);
    if (!row) return;
    const { html: _html, meta, ...target } = row;
    this.target = Promise.resolve(target);
    seedMeta(this.document, meta, AI_ORIGIN);
    await this.store.save(this.document);
  }

  /** The debounced save (y-partyserver calls it 2 s after changes stop, at most 10 s apart). */
  override async onSave(): Promise<void> {
    await this.persist();
    this.clearLimitNotice();
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    // Tags are kept in the socket's attachment, so they survive hibernation.
    const access = ctx.request.headers.get(DRAFT_ACCESS_HEADER);
    const grant = readGrant(ctx.request.headers);
    return [access === 'write' ? WRITE_TAG : READ_ONLY_TAG, ...(grant ? [`user:${grant.user_id}`] : [])];
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
    const grant = readGrant(ctx.request.headers)!;
    const open = [...super.getConnections(`user:${grant.user_id}`)].filter((c) => c.readyState === WebSocket.OPEN);
    // The Yjs benchmark (BENCH_ROUTES, refused in production by the config guard) measures 20
    // clients of one user in one room: the per-user cap would turn most of them away.
    if (open.length > MAX_SOCKETS_PER_USER && this.env.BENCH_ROUTES !== 'true') {
      connection.close(CLOSE_TOO_MANY_SOCKETS, closeMessage(CLOSE_TOO_MANY_SOCKETS)!);
      return;
    }
    connection.setState((prev: SocketState | null) => ({ ...prev, grant }));
    this.ctx.waitUntil(this.scheduleCheck());
    return super.onConnect(connection, ctx);
  }

  // ---------------------------------------------------------------- what a socket may send

  override onMessage(connection: Connection, message: string | Frame): void {
    let rate = this.rates.get(connection);
    if (!rate) this.rates.set(connection, (rate = new MessageRate()));
    if (!rate.hit()) {
      connection.close(CLOSE_RATE_LIMITED, 'too many messages');
      return;
    }
    if (typeof message === 'string') {
      super.onMessage(connection, message);
      return;
    }
    try {
      const bytes = bytesOf(message);
      if (bytes[0] === MESSAGE_AWARENESS) {
        this.relayAwareness(connection, bytes);
        return;
      }
      if (asksForWholeDocument(bytes)) {
        sendQuietly(connection, this.wholeDocumentFrame());
        return;
      }
      const update = this.isReadOnly(connection) ? null : syncUpdateOf(bytes);
      if (update && !this.size.admit(update)) {
        this.refuseGrowth(connection);
        return;
      }
    } catch (err) {
      // Not a message y-partyserver could read either: it logs and ignores it.
      console.warn(`DraftRoom ${this.name}: unreadable message`, err);
    }
    void super.onMessage(connection, message);
  }

  /** Viewers never relay awareness; writers only for their own client, under their own name. */
  private relayAwareness(connection: Connection, bytes: Uint8Array) {
    if (this.isReadOnly(connection)) return;
    const state = (connection.state ?? {}) as SocketState;
    if (!state.grant) return;
    const states = this.document.awareness.getStates();
    const filtered = filterAwareness(bytes, state.awarenessClient ?? null, state.grant.name, (id) => states.has(id));
    if (!filtered) return;
    if (state.awarenessClient === undefined)
      connection.setState((prev: SocketState | null) => ({ ...prev, awarenessClient: filtered.ownClient }));
    // Applied here rather than by YServer, which relays each message at once: the fan-out sends the
    // latest states once per tick.
    awarenessProtocol.applyAwarenessUpdate(this.document.awareness, filtered.update, connection);
  }

  /** Encoded once per version of the document, however many clients open it. */
  private wholeDocumentFrame(): Uint8Array {
    this.wholeDocument ??= syncStep2Frame(Y.encodeStateAsUpdate(this.document));
    return this.wholeDocument;
  }

  /**
   * A change that would grow the draft past its cap is dropped, every client is told (the `limits`
   * map, which the editor shows) and the socket that sent it is closed: its copy now holds content
   * the room refused, and it must not build on it.
   */
  private refuseGrowth(connection: Connection) {
    const notice: DraftLimitNotice = {
      max_bytes: this.size.max,
      bytes: this.size.measure(),
      message:
        `This draft reached its size limit (${Math.round(this.size.max / 1024 / 1024)} MB): ` +
        'new content is not saved. Shorten it to continue.',
      at: new Date().toISOString(),
    };
    this.document.transact(() => this.document.getMap(LIMITS_MAP).set('document', notice), AI_ORIGIN);
    connection.close(CLOSE_DOCUMENT_TOO_LARGE, 'draft too large');
  }

  /** Once the draft is comfortably under its cap again, the notice goes. */
  private clearLimitNotice() {
    const limits = this.document.getMap(LIMITS_MAP);
    if (limits.has('document') && this.size.measure() < this.size.max * 0.9) {
      this.document.transact(() => limits.delete('document'), AI_ORIGIN);
    }
  }

  // ---------------------------------------------------------------- sockets lose access with the member

  private async scheduleCheck() {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + REVALIDATE_EVERY_MS);
  }

  /**
   * Closes the sockets whose member lost access or whose session expired; again in a few seconds while
   * any are open.
   */
  override async onAlarm(): Promise<void> {
    const sockets = [...super.getConnections()].filter((c) => c.readyState === WebSocket.OPEN);
    if (sockets.length === 0) return;
    try {
      const verdicts = await checkGrants(
        this.env,
        sockets.map((c) => ((c.state ?? {}) as SocketState).grant ?? null),
      );
      verdicts.forEach((verdict, i) => {
        if (verdict) sockets[i]!.close(verdict.code, verdict.reason);
      });
    } catch (err) {
      console.error(`DraftRoom ${this.name}: socket check failed`, err);
    }
    this.connectionCache = null;
    if ([...super.getConnections()].some((c) => c.readyState === WebSocket.OPEN)) {
      await this.ctx.storage.setAlarm(Date.now() + REVALIDATE_EVERY_MS);
    }
  }

  override onError(_connection: Connection, error: unknown) {
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
    // The caret of the leaving socket goes away for everyone (relayAwareness records its one client).
    const { awarenessClient } = (connection.state ?? {}) as SocketState;
    if (awarenessClient !== undefined) {
      awarenessProtocol.removeAwarenessStates(this.document.awareness, [awarenessClient], null);
    }
    // The closing socket may still be listed while its close completes.
    this.connectionCache = [...super.getConnections()].filter((c) => c.id !== connection.id);
    if (this.connectionCache.length === 0) await this.persist();
  }

  // ---------------------------------------------------------------- persistence

  private resolveTarget(): Promise<DraftTarget | null> {
    const { accountId, contentId } = this.room;
    this.target ??= resolveTarget(this.env, accountId, contentId).then(
      (row) => row && { accountId, contentId, shard: row.shard, siteId: row.siteId },
      (err) => {
        this.target = null; // a failed lookup is retried next time
        throw err;
      },
    );
    return this.target;
  }

  /** Saves the document, then projects it to the content row; one at a time, in order. */
  private persist(): Promise<PersistResult> {
    // Queued frames leave first: sent during the storage write they would wait for it (output gate),
    // and an RPC that saves (finishGeneration…) returns after every editor was sent its change.
    this.fanout.flush();
    if (this.erased) return Promise.resolve({ saved: { kind: 'unchanged' }, projection: { kind: 'unchanged' } });
    const run = this.persisting.then(async () => {
      const saved = await this.store.save(this.document);
      return { saved, projection: await this.project() };
    });
    this.persisting = run.catch((err) => console.error(`DraftRoom ${this.name}: save failed`, err));
    return run;
  }

  private async project(): Promise<ProjectionResult> {
    if (!this.projectionStale) return { kind: 'unchanged' };
    this.projectionStale = false; // a change during the write below sets it again
    try {
      const html = draftToHtml(this.fragment);
      const meta = readMeta(this.document);
      const key = `${html}\u0000${JSON.stringify(meta)}`;
      if (key === this.lastProjection) return { kind: 'unchanged' };
      const target = await this.resolveTarget();
      if (!target) {
        this.projectionStale = true;
        return { kind: 'no_content_row' };
      }
      const slug = meta ? await projectedSlug(this.env, target, meta) : '';
      const analysis = await this.analyseQuietly(target);
      const projection = { html, words: wordCount(this.fragment), meta, slug };
      const result = await writeProjection(this.env, target, projection, analysis?.statements).catch((err) => {
        this.analysis.forgetLinks();
        throw err;
      });
      if (result.kind === 'too_large') {
        console.warn(`DraftRoom ${this.name}: HTML projection of ${result.bytes} bytes not written (D1 row cap)`);
      }
      this.lastProjection = key;
      if (analysis) this.lastScore = analysis.score;
      return result;
    } catch (err) {
      this.projectionStale = true;
      throw err;
    }
  }

  /** A score that can't be computed (its brief unreadable) never stops the draft from saving. */
  private async analyseQuietly(target: DraftTarget) {
    try {
      return await this.analysis.analyse(this.document, target);
    } catch (err) {
      console.error(`DraftRoom ${this.name}: analysis failed`, err);
      return null;
    }
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

  /**
   * Marks the generation done and saves now (document and content row); `replaceWith`, when given,
   * becomes the whole draft first (the parsed article, when it differs from what streamed).
   */
  async finishGeneration(
    replaceWith?: string,
    meta?: Partial<DraftMetaFields>,
  ): Promise<DraftSnapshot & { generation: GenerationState; projection: ProjectionResult }> {
    await this.ready();
    // The article's meta fields arrive with it, in the same change editors receive.
    let generation!: GenerationState;
    this.document.transact(() => {
      if (meta) writeMeta(this.document, meta, AI_ORIGIN);
      generation = finishGeneration(this.document, replaceWith);
    }, AI_ORIGIN);
    const { projection } = await this.persist();
    return { ...this.snapshot(), generation, projection };
  }

  /**
   * The AI's attempt ended without an article (it failed and will be retried, or its job failed or
   * was cancelled): the draft goes back to `html` (what was saved before) and stops saying
   * "generating", in one change every connected editor receives; saved at once.
   */
  async abortGeneration(
    html: string,
  ): Promise<DraftSnapshot & { generation: GenerationState; projection: ProjectionResult }> {
    await this.ready();
    replaceDraftWithHtml(this.fragment, html, AI_ORIGIN);
    const generation = stopGeneration(this.document);
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

  // ---------------------------------------------------------------- RPC: meta fields and the score

  /**
   * Writes meta fields (an API edit) into the shared map as one change every editor receives, and
   * saves: the row is their projection. Returns the fields as projected.
   */
  async writeMeta(
    fields: Partial<DraftMetaFields>,
  ): Promise<{ meta: DraftMetaFields | null; projection: ProjectionResult }> {
    await this.ready();
    writeMeta(this.document, fields, AI_ORIGIN);
    const { projection } = await this.persist();
    return { meta: readMeta(this.document), projection };
  }

  /**
   * The score now, against a freshly read brief (the site's pages may have changed): projected and
   * recorded like a save. Null when the content row is gone.
   */
  async analyze(): Promise<ScoreResult | null> {
    await this.ready();
    this.analysis.forgetBrief();
    this.projectionStale = true;
    this.lastProjection = null;
    await this.persist();
    return this.lastScore;
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

  // ---------------------------------------------------------------- RPC: internal links (links.ts)

  /**
   * Link suggestions from the document as it is now, against the site's pages read now. The draft
   * is projected first, so its own inventory page (never a target of itself) exists and is current.
   */
  async suggestLinks(options: LinkSuggestOptions): Promise<RoomLinkSuggestions> {
    await this.ready();
    const target = await this.resolveTarget();
    if (!target) return { source_page_id: null, suggestions: [], candidates: null };
    // The brief is read once, fresh: by the projection when the draft changed, else just below.
    this.analysis.forgetBrief();
    await this.persist();
    const [brief, source] = await Promise.all([this.analysis.briefOf(target), sourcePageOf(this.env, target)]);
    if (!brief) return { source_page_id: source?.id ?? null, suggestions: [], candidates: null };
    return suggestFromDoc(this.document, brief, source, options);
  }

  /** Applies an accepted suggestion for every editor at once, then saves (the row, its page and links follow). */
  async applyLink(link: LinkToApply): Promise<{ outcome: 'applied' | 'stale'; projection: ProjectionResult }> {
    await this.ready();
    const target = await this.resolveTarget();
    const brief = target ? await this.analysis.briefOf(target) : null;
    if (!brief) return { outcome: 'stale', projection: { kind: 'no_content_row' } };
    const outcome = applyLinkToDoc(this.document, link, brief.editor.language, brief.editor.site_origin);
    const { projection } = await this.persist();
    return { outcome, projection };
  }

  // ---------------------------------------------------------------- RPC: the Optimizer's AI fixes (fixes.ts)

  /** What each fix would change in the document now (null: nothing to fix), scored against `brief`. */
  async fixTargets(brief: EditorBrief, actions: FixAction[]) {
    await this.ready();
    return fixTargets(this.document, brief, actions);
  }

  /** One AI fix into the live document, after a backup version; once per key; saved and scored when applied. */
  async applyFix(request: FixRequest): Promise<FixResult> {
    await this.ready();
    const backup = async (name: string) => {
      const prefix = await this.versionPrefix();
      const limit = await makeRoomForVersion(this.env.MEDIA, prefix);
      if (limit) return limit;
      return putVersion(this.env.MEDIA, prefix, Y.encodeStateAsUpdate(this.document), {
        name,
        userId: request.user_id,
        wordCount: wordCount(this.fragment),
        auto: true,
      });
    };
    return applyFix(this.document, this.ctx.storage, request, { backup, persist: () => this.persist() }, AI_ORIGIN);
  }

  // ---------------------------------------------------------------- RPC: named versions

  private async versionPrefix(): Promise<string> {
    const target = await this.resolveTarget();
    if (!target) throw new Error('The content of this draft no longer exists.');
    return versionPrefix(target.accountId, target.siteId, target.contentId);
  }

  /** At the cap (MAX_VERSIONS_PER_DRAFT) the oldest automatic backup makes room; without one: a limit, no version. */
  async saveVersion(name: string, userId: number | null): Promise<VersionInfo | VersionLimit> {
    await this.ready();
    const prefix = await this.versionPrefix();
    const limit = await makeRoomForVersion(this.env.MEDIA, prefix);
    if (limit) return limit;
    return putVersion(this.env.MEDIA, prefix, Y.encodeStateAsUpdate(this.document), {
      name,
      userId,
      wordCount: wordCount(this.fragment),
    });
  }

  async listVersions(): Promise<VersionInfo[]> {
    await this.ready();
    return listVersions(this.env.MEDIA, await this.versionPrefix());
  }

  /**
   * Puts a version's content back as a new change (the current content is first saved as a version
   * of its own): connected editors converge on it without being reset. Null: no such version.
   */
  async restoreVersion(
    versionId: string,
    userId: number | null,
  ): Promise<(DraftSnapshot & { restored: VersionInfo; backup: VersionInfo }) | VersionLimit | null> {
    await this.ready();
    const prefix = await this.versionPrefix();
    const version = await getVersion(this.env.MEDIA, prefix, versionId);
    if (!version) return null;
    const limit = await makeRoomForVersion(this.env.MEDIA, prefix);
    if (limit) return limit;
    const backup = await putVersion(this.env.MEDIA, prefix, Y.encodeStateAsUpdate(this.document), {
      name: `Before restoring ${version.info.name}`.slice(0, 120),
      userId,
      wordCount: wordCount(this.fragment),
      auto: true,
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
    if (this.env.TEST_ROUTES !== 'true' && this.env.BENCH_ROUTES !== 'true')
      throw new Error('Test hooks are disabled.');
    this.ctx.abort('test: restart the draft room');
  }

  async erase(): Promise<void> {
    this.erased = true;
    for (const connection of super.getConnections()) {
      try {
        connection.close(CLOSE_DOCUMENT_DELETED, closeMessage(CLOSE_DOCUMENT_DELETED)!);
      } catch {
        /* already closing */
      }
    }
    this.connectionCache = null;
    // A save already under way finishes first, then everything it wrote goes too.
    await this.persisting;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  async storageStats(): Promise<StoreStats & { connections: number }> {
    await this.ready();
    return { ...this.store.stats, connections: [...this.getConnections()].length };
  }
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

function sendQuietly(connection: Connection, frame: Uint8Array) {
  if (connection.readyState !== WebSocket.OPEN) return;
  try {
    connection.send(frame);
  } catch {
    /* closing: its close handler cleans up */
  }
}
