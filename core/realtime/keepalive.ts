/**
 * The keep-alive frames of the site socket, byte for byte. The SiteCoordinator registers them as
 * the socket's auto-response (`ctx.setWebSocketAutoResponse`): the runtime answers KEEPALIVE_PING
 * with KEEPALIVE_PONG itself, without waking (or even running) the object, so an idle site costs
 * nothing while its members stay connected. The runtime compares the whole frame as a string: a
 * client must send exactly KEEPALIVE_PING (no timestamp, no other spacing) to be answered that way;
 * any other ping reaches the object.
 *
 * KEEPALIVE_PONG is a valid `pong` event of protocol version 1 (core/realtime/events.ts) without its
 * `t`: a client that wants a round-trip time keeps its own send time (one socket answers in order).
 */
export const KEEPALIVE_PING = '{"type":"ping"}';
export const KEEPALIVE_PONG = '{"v":1,"type":"pong"}';
