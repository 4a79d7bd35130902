import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftFragment, htmlToDraft, seedMeta } from '$core/draft';
import { decodeRange, resolveRange } from '$core/draft/locate';
import { EDITOR_BRIEF_FORMAT, type EditorBrief, scoreDocument } from '$core/draft-score';
import type { FromScorer } from './protocol';
import { createScorer, MAX_WAIT_MS, QUIET_MS } from './scorer';

const BRIEF: EditorBrief = {
  format: EDITOR_BRIEF_FORMAT,
  content_id: 1,
  language: 'en',
  brief: { outline: [], targetKeywords: [], clusterKeywords: [], wordRange: null, inventory: null },
  site_origin: null,
  pages: [],
};

/** A clock the spec moves by hand: timers fire when `advance` passes their time. */
function manualClock() {
  let now = 0;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimeout: (run: () => void, ms: number) => {
      timers.push({ at: now + ms, run, id: ++ids });
      return ids;
    },
    clearTimeout: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.run();
      }
      now = until;
    },
  };
}

/** The page's document and a scorer fed every update of it, as live-score.svelte.ts wires them. */
function setUp() {
  const doc = new Y.Doc();
  const clock = manualClock();
  const posted: FromScorer[] = [];
  const scorer = createScorer((m) => posted.push(m), clock);
  scorer.receive({ kind: 'update', update: Y.encodeStateAsUpdate(doc) });
  doc.on('update', (update: Uint8Array) => scorer.receive({ kind: 'update', update: update.slice() }));
  return { doc, clock, posted, scorer };
}

const results = (posted: FromScorer[]) => posted.filter((m) => m.kind === 'result');

describe('the editor scorer', () => {
  it('scores nothing until it has the brief and the room has seeded the meta fields', () => {
    const { doc, clock, posted, scorer } = setUp();
    htmlToDraft(draftFragment(doc), '<p>Pots dry out fast in summer.</p>');
    clock.advance(MAX_WAIT_MS);
    scorer.receive({ kind: 'brief', brief: BRIEF });
    clock.advance(MAX_WAIT_MS);
    expect(posted).toEqual([]);
    seedMeta(doc, { primary_keyword: 'terracotta pots' });
    clock.advance(QUIET_MS);
    expect(results(posted)).toHaveLength(1);
  });

  it('gives the score the room would give, with places that resolve to the words in the page', () => {
    const { doc, clock, posted, scorer } = setUp();
    scorer.receive({ kind: 'brief', brief: BRIEF });
    seedMeta(doc, { primary_keyword: 'terracotta pots' });
    htmlToDraft(draftFragment(doc), '<p>Pots dry out fast in summer.</p><h2>Watering</h2><p>Water daily.</p>');
    clock.advance(QUIET_MS);
    const message = results(posted).at(-1);
    expect(message?.result).toEqual(scoreDocument(doc, BRIEF));
    const intro = message?.result.checks.find((c) => c.id === 'placement.intro');
    expect(intro?.light).toBe('red');
    const encoded = message?.places['placement.intro:'] ?? [];
    expect(encoded).toHaveLength(1);
    const range = decodeRange(encoded[0]!);
    expect(range && resolveRange(doc, range)?.content).toBe('Pots dry out fast in summer.');
    // The places follow edits made after the score: typing before the intro leaves it out, typing
    // inside it widens it.
    const text = (draftFragment(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, 'Hot tip. ');
    text.insert('Hot tip. Pots '.length, 'really ');
    expect(range && resolveRange(doc, range)?.content).toBe('Pots really dry out fast in summer.');
  });

  it('scores once after a burst of updates, and at least once a second while they keep coming', () => {
    const { doc, clock, posted, scorer } = setUp();
    scorer.receive({ kind: 'brief', brief: BRIEF });
    seedMeta(doc, { primary_keyword: 'terracotta pots' });
    clock.advance(QUIET_MS);
    posted.length = 0;
    const body = draftFragment(doc);
    htmlToDraft(body, '<p>a</p>');
    const text = (body.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    // Keystrokes 100 ms apart for two seconds: never a quiet 150 ms, yet the score keeps moving.
    for (let i = 0; i < 20; i++) {
      text.insert(text.length, i % 2 ? 'a' : ' ');
      clock.advance(100);
    }
    const whileTyping = results(posted).length;
    expect(whileTyping).toBeGreaterThanOrEqual(1);
    clock.advance(QUIET_MS);
    expect(posted.filter((m) => m.kind === 'error')).toEqual([]);
    // Twenty keystrokes, a handful of scores (the first at once, then at most one a second, then
    // the trailing one); the last one is of the final text.
    expect(results(posted).length).toBeLessThanOrEqual(4);
    expect(results(posted).at(-1)?.result).toEqual(scoreDocument(doc, BRIEF));
  });

  it('scores a change after a quiet moment at once: a co-editor’s keystroke moves the ring with its update', () => {
    const { doc, clock, posted, scorer } = setUp();
    scorer.receive({ kind: 'brief', brief: BRIEF });
    seedMeta(doc, { primary_keyword: 'terracotta pots' });
    htmlToDraft(draftFragment(doc), '<p>Pots dry out fast.</p><h2>Watering</h2>');
    clock.advance(MAX_WAIT_MS);
    posted.length = 0;
    const h2 = (draftFragment(doc).get(1) as Y.XmlElement).get(0) as Y.XmlText;
    h2.insert(0, 'Terracotta pots: ');
    // No clock advance: the score is already there, of the text with the keyword in the H2.
    const now = results(posted);
    expect(now).toHaveLength(1);
    expect(now[0]?.result.checks.find((c) => c.id === 'placement.h2')?.light).toBe('green');
  });
});
