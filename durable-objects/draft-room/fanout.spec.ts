import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { RoomFanout } from './fanout';

class FakePeer {
  readyState = 1;
  readonly frames: Uint8Array[] = [];
  send(frame: Uint8Array) {
    this.frames.push(frame);
  }
}

/** A room document, its peers and a fan-out whose timer the test fires by hand. */
function room(peerCount: number) {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  clearInterval((awareness as unknown as { _checkInterval: ReturnType<typeof setInterval> })._checkInterval);
  const peers = Array.from({ length: peerCount }, () => new FakePeer());
  const timers: (() => void)[] = [];
  const fanout = new RoomFanout(
    () => peers,
    awareness,
    (flush) => timers.push(flush),
  );
  doc.on('update', (update: Uint8Array, origin: unknown) => fanout.update(update, origin));
  const tick = () => {
    for (const flush of timers.splice(0)) flush();
  };
  return { doc, awareness, peers, fanout, tick };
}

/** A client's keystroke, as the update it sends. */
function keystroke(text: string): Uint8Array {
  const client = new Y.Doc();
  client.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(client);
}

/** What a fresh client holds after applying every sync frame a peer received. */
function replay(frames: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const frame of frames) {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== 0) continue;
    decoding.readVarUint(d);
    Y.applyUpdate(doc, decoding.readVarUint8Array(d));
  }
  return doc;
}

describe('RoomFanout', () => {
  it('sends the updates of one tick as one frame, the same bytes to every peer', () => {
    const { doc, peers, tick } = room(3);
    const typed = ['a', 'b', 'c'].map(keystroke);
    for (const update of typed) Y.applyUpdate(doc, update, 'the AI');
    expect(peers.every((p) => p.frames.length === 0)).toBe(true);
    tick();
    expect(peers.map((p) => p.frames.length)).toEqual([1, 1, 1]);
    expect(peers[1]!.frames[0]).toBe(peers[0]!.frames[0]);
    expect(replay(peers[2]!.frames).getText('t').length).toBe(3);
  });

  it("skips the socket a tick's updates all came from, and sends to everyone when several wrote", () => {
    const { doc, peers, tick } = room(3);
    Y.applyUpdate(doc, keystroke('x'), peers[0]);
    tick();
    expect(peers.map((p) => p.frames.length)).toEqual([0, 1, 1]);
    Y.applyUpdate(doc, keystroke('y'), peers[0]);
    Y.applyUpdate(doc, keystroke('z'), peers[1]);
    tick();
    expect(peers.map((p) => p.frames.length)).toEqual([1, 2, 2]);
    expect(replay(peers[2]!.frames).getText('t').length).toBe(3);
  });

  it('coalesces a burst of caret moves into the latest state, and skips closed sockets', () => {
    const { awareness, peers, fanout, tick } = room(2);
    peers[1]!.readyState = 3;
    const remote = new awarenessProtocol.Awareness(new Y.Doc());
    for (let anchor = 0; anchor < 20; anchor++) {
      remote.setLocalState({ cursor: { anchor } });
      const moved = awarenessProtocol.encodeAwarenessUpdate(remote, [remote.clientID]);
      awarenessProtocol.applyAwarenessUpdate(awareness, moved, 'socket');
      fanout.awarenessChanged([remote.clientID]);
    }
    tick();
    expect(peers.map((p) => p.frames.length)).toEqual([1, 0]);
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    const d = decoding.createDecoder(peers[0]!.frames[0]!);
    expect(decoding.readVarUint(d)).toBe(1);
    awarenessProtocol.applyAwarenessUpdate(seen, decoding.readVarUint8Array(d), 'server');
    expect(seen.getStates().get(remote.clientID)).toEqual({ cursor: { anchor: 19 } });
    clearInterval((remote as unknown as { _checkInterval: ReturnType<typeof setInterval> })._checkInterval);
    clearInterval((seen as unknown as { _checkInterval: ReturnType<typeof setInterval> })._checkInterval);
  });

  it('an idle room sends an update at once; a busy one merges until the next turn', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    clearInterval((awareness as unknown as { _checkInterval: ReturnType<typeof setInterval> })._checkInterval);
    const peer = new FakePeer();
    let clock = 1000;
    const asked: string[] = [];
    const later: (() => void)[] = [];
    const fanout = new RoomFanout(
      () => [peer],
      awareness,
      (flush, when) => {
        asked.push(when);
        if (when === 'now') flush();
        else later.push(flush);
      },
      () => clock,
    );
    doc.on('update', (update: Uint8Array, origin: unknown) => fanout.update(update, origin));
    Y.applyUpdate(doc, keystroke('a'), 'the AI');
    expect(peer.frames.length).toBe(1); // idle: no timer between the keystroke and the other editors
    clock += 5;
    Y.applyUpdate(doc, keystroke('b'), 'the AI');
    Y.applyUpdate(doc, keystroke('c'), 'the AI');
    expect(peer.frames.length).toBe(1); // busy: merged and sent on the next turn
    for (const flush of later.splice(0)) flush();
    expect(peer.frames.length).toBe(2);
    expect(asked).toEqual(['now', 'next turn']);
    clock += 1000;
    Y.applyUpdate(doc, keystroke('d'), 'the AI');
    expect(peer.frames.length).toBe(3); // idle again
    expect(replay(peer.frames).getText('t').length).toBe(4);
  });

  it('flush() sends what is queued at once (before a save)', () => {
    const { doc, peers, fanout } = room(1);
    Y.applyUpdate(doc, keystroke('now'), 'the AI');
    fanout.flush();
    expect(peers[0]!.frames.length).toBe(1);
  });
});
