// The `ws` package ships no types and @types/ws is not installed: the tests only hand its class to
// Yjs providers as their WebSocketPolyfill, where the browser WebSocket's type is what matters.
declare module 'ws' {
  const WebSocket: typeof globalThis.WebSocket;
  export default WebSocket;
}
