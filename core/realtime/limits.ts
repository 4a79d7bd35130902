/**
 * Caps on collaborative state (issue 8, scope 9): what one socket or one draft may cost a room.
 * Generous for people (a fast typist with a moving caret sends ~30 messages a second; scripted
 * clients such as the interop test ~200), tight enough that one hostile client can't flood a room
 * or grow a draft without bound.
 */

/** Yjs state of a draft (Y.encodeStateAsUpdate) beyond which changes that add content are refused. */
export const MAX_DRAFT_BYTES = 2 * 1024 * 1024;
/** Messages one socket may send per second (sync, awareness, pings); more closes it. */
export const MAX_MESSAGES_PER_SECOND = 300;
/** Sockets one user may hold open on one draft room at once; the next is refused. */
export const MAX_SOCKETS_PER_USER = 8;
/** Named versions kept per draft: at the cap the oldest automatic backup makes room, else 409. */
export const MAX_VERSIONS_PER_DRAFT = 50;
/** How often rooms with open sockets re-check their members' access (≤ 10 s from a change to a close). */
export const REVALIDATE_EVERY_MS = 5000;

/** The Y.Map every client of a draft sees: the room writes `document` there when a change was refused. */
export const LIMITS_MAP = 'limits';
export interface DraftLimitNotice {
  max_bytes: number;
  bytes: number;
  message: string;
  at: string;
}

/** A fixed one-second window per socket: `hit()` is false once the socket sent too much this second. */
export class MessageRate {
  private windowStart = 0;
  private count = 0;

  constructor(
    private readonly max = MAX_MESSAGES_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {}

  hit(): boolean {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.count = 0;
    }
    return ++this.count <= this.max;
  }
}
