import { beforeAll, describe, expect, it } from 'vitest';
import { KEEPALIVE_PING, KEEPALIVE_PONG } from '../../core/realtime/keepalive';
import { MAX_MESSAGES_PER_SECOND } from '../../core/realtime/limits';
import { signup } from '../helpers/api';
import { populateAccount, type AccountFx } from '../helpers/fixtures';
import { openSiteSocket } from '../helpers/socket';

/**
 * Issue 10, item 9: site sockets answer keep-alive pings without waking the SiteCoordinator (the
 * runtime's auto-response), so an idle site costs nothing while its members stay connected.
 */
let fx: AccountFx;

beforeAll(async () => {
  fx = await populateAccount(await signup('keepalive'), 'keepalive');
});

describe('site socket keep-alive', () => {
  it('every keep-alive ping is answered, and none reaches the object (its rate limit never counts them)', async () => {
    const socket = await openSiteSocket(fx.granted.id, fx.members.owner.token);
    const pongs: string[] = [];
    socket.ws.addEventListener('message', (e: MessageEvent) => {
      if (e.data === KEEPALIVE_PONG) pongs.push(e.data);
    });
    // Several times what the object lets one socket send in a second: had they reached it, it would
    // have closed the socket with the rate-limit code.
    const count = MAX_MESSAGES_PER_SECOND * 3;
    for (let i = 0; i < count; i++) socket.ws.send(KEEPALIVE_PING);
    await socket.waitFor('every pong', () => pongs.length === count);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    // The pong is a protocol-1 event the web client reads like any other.
    expect(JSON.parse(KEEPALIVE_PONG)).toEqual({ v: 1, type: 'pong' });
    socket.close();
  });

  it('a ping carrying a timestamp still reaches the object and gets it back', async () => {
    const socket = await openSiteSocket(fx.granted.id, fx.members.owner.token);
    socket.ws.send(JSON.stringify({ type: 'ping', t: 42 }));
    expect(await socket.waitFor('the pong', (e) => e.type === 'pong')).toEqual({ v: 1, type: 'pong', t: 42 });
    socket.close();
  });
});
