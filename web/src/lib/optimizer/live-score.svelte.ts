/**
 * The live score of one open draft: a scoring Web Worker holding a replica of the draft's Y.Doc
 * (score.worker.ts), fed every update of the page's document, and the latest result as state.
 * One per open draft; `destroy` ends the worker.
 */
import * as Y from 'yjs';
import type { EditorBrief } from '$core/draft-score';
import type { Check, ScoreResult } from '$core/optimizer/types';
import { api, data, param } from '$lib/api/client';
import { messageOf } from '$lib/api/errors';
import { ScoreHighlights } from './highlight';
import { checkKey, type FromScorer, type ToScorer } from './protocol';

export class LiveScore {
  result = $state<ScoreResult | null>(null);
  error = $state<string | null>(null);
  /** The check whose places are highlighted in the editor (its `checkKey`), if any. */
  shown = $state<string | null>(null);
  /** How long the last score took in the worker (ms), for the panel's title and the bench. */
  ms = $state(0);
  readonly highlights = new ScoreHighlights();
  #places: Record<string, string[]> = {};
  #worker: Worker;
  #briefRequest = 0;

  constructor(
    readonly doc: Y.Doc,
    readonly contentId: number,
  ) {
    this.#worker = new Worker(new URL('./score.worker.ts', import.meta.url), { type: 'module' });
    this.#worker.onmessage = (event: MessageEvent<FromScorer>) => this.#received(event.data);
    this.#worker.onerror = () => (this.error = 'The score could not be computed in this browser.');
    this.#send({ kind: 'update', update: Y.encodeStateAsUpdate(doc) });
    doc.on('update', this.#forward);
    this.loadBrief();
  }

  /** (Re)reads the brief: the outline, keywords and pages the draft is scored against. */
  loadBrief() {
    const request = ++this.#briefRequest;
    const id = param(this.contentId);
    data(api.api.v1.optimizer.brief[':contentId'].$get({ param: { contentId: id } })).then(
      (brief: EditorBrief) => {
        if (request === this.#briefRequest) this.#send({ kind: 'brief', brief });
      },
      (err) => {
        if (request === this.#briefRequest) this.error = messageOf(err);
      },
    );
  }

  /** Whether the check has places the editor can highlight. */
  hasPlaces(check: Check) {
    return (this.#places[checkKey(check)]?.length ?? 0) > 0;
  }

  /** Highlights the check's places in the editor (or hides them when shown already). */
  toggle(check: Check) {
    const key = checkKey(check);
    if (this.shown === key) return this.hide();
    this.shown = this.highlights.show(this.doc, this.#places[key] ?? []) ? key : null;
  }

  hide() {
    this.shown = null;
    this.highlights.clear();
  }

  destroy() {
    this.doc.off('update', this.#forward);
    this.#worker.terminate();
    this.#briefRequest++;
  }

  // The update's own bytes are left alone (the socket provider sends them too): a copy is moved.
  #forward = (update: Uint8Array) => this.#send({ kind: 'update', update: update.slice() });

  #send(message: ToScorer) {
    this.#worker.postMessage(message, message.kind === 'update' ? [message.update.buffer] : []);
  }

  #received(message: FromScorer) {
    if (message.kind === 'error') {
      this.error = message.message;
      return;
    }
    this.error = null;
    this.result = message.result;
    this.ms = message.ms;
    this.#places = message.places;
    // A highlighted check follows the new score: its new places, or none once it is gone or has none.
    if (this.shown) {
      const places = this.#places[this.shown];
      if (!places || !this.highlights.show(this.doc, places, false)) this.hide();
    }
  }
}
