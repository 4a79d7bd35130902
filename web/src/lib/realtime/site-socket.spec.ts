import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_ACCESS_REVOKED, CLOSE_SESSION_EXPIRED } from '$core/realtime/close-codes';
import { KEEPALIVE_PING, KEEPALIVE_PONG } from '$core/realtime/keepalive';
import { SiteSocket, type SiteSocketEvents } from './site-socket';

/** A server-side stand-in for the browser's WebSocket: the spec opens and closes it at will. */
class FakeSocket extends EventTarget {
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: string[] = [];
  closedWith: number | null = null;
  constructor(readonly url: string) {
    super();
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  serverOpens() {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  serverSends(data: string) {
    this.dispatchEvent(Object.assign(new Event('message'), { data }));
  }
  serverCloses(code: number) {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason: '' }));
  }
}

const latest = () => FakeSocket.all.at(-1)!;
const ticketOf = (socket: FakeSocket) => new URL(socket.url).searchParams.get('ticket');
let tickets: number;
let closes: { code: number; final: boolean }[];
let opens: boolean[];

function connect() {
  const events: SiteSocketEvents = {
    open: (reopened) => opens.push(reopened),
    message: () => {},
    close: (code, final) => closes.push({ code, final }),
    retrying: () => {},
  };
  return new SiteSocket(7, events, {
    ticket: async () => `t${++tickets}`,
    url: (siteId, ticket) => `ws://test/ws/sites/${siteId}?ticket=${ticket}`,
    WebSocket: FakeSocket,
  });
}

/** Longer than any backoff wait (≤ 30 s plus jitter). */
const settle = () => vi.advanceTimersByTimeAsync(45_000);
/** Shorter than the first backoff wait (500 ms): what happens in it happened "at once". */
const underFirstBackoff = () => vi.advanceTimersByTimeAsync(100);
/** Longer than the first backoff wait (500 ms plus jitter), shorter than a connection timeout (4 s). */
const firstRetry = () => vi.advanceTimersByTimeAsync(2_000);

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  tickets = 0;
  closes = [];
  opens = [];
});
afterEach(() => vi.useRealTimers());

describe('the site socket', () => {
  it('asks for a fresh single-use ticket for every connection, and says when it reopened', async () => {
    const channel = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().serverOpens();
    latest().serverCloses(1006);
    await firstRetry();
    expect(FakeSocket.all.map(ticketOf)).toEqual(['t1', 't2']);
    latest().serverOpens();
    expect(opens).toEqual([false, true]);
    channel.close();
  });

  it('does not reconnect once access to the site was removed', async () => {
    const channel = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().serverOpens();
    latest().serverCloses(CLOSE_ACCESS_REVOKED);
    await settle();
    await settle();
    expect(FakeSocket.all).toHaveLength(1);
    expect(closes).toEqual([{ code: CLOSE_ACCESS_REVOKED, final: true }]);
    channel.close();
  });

  it('reconnects at once with a new ticket when the session expired', async () => {
    const channel = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().serverOpens();
    latest().serverCloses(CLOSE_SESSION_EXPIRED);
    await underFirstBackoff();
    expect(FakeSocket.all.map(ticketOf)).toEqual(['t1', 't2']);
    expect(closes).toEqual([{ code: CLOSE_SESSION_EXPIRED, final: false }]);
    channel.close();
  });

  it('pings with the keep-alive frame and replaces a socket that stops answering', async () => {
    const channel = connect();
    await vi.advanceTimersByTimeAsync(0);
    const first = latest();
    first.serverOpens();
    await vi.advanceTimersByTimeAsync(25_000);
    expect(first.sent).toEqual([KEEPALIVE_PING]);
    first.serverSends(KEEPALIVE_PONG);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(first.sent).toEqual([KEEPALIVE_PING, KEEPALIVE_PING]);
    // No answer within the pong timeout (10 s): closed, and a new one opens at once.
    await vi.advanceTimersByTimeAsync(10_000);
    await underFirstBackoff();
    expect(first.closedWith).toBe(4000);
    expect(FakeSocket.all.map(ticketOf)).toEqual(['t1', 't2']);
    channel.close();
  });

  it('leaving the site closes the socket for good', async () => {
    const channel = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().serverOpens();
    channel.close();
    await settle();
    expect(FakeSocket.all).toHaveLength(1);
    expect(latest().closedWith).toBe(1000);
  });
});
