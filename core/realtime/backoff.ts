/**
 * Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed,
 * half random) so a server restart doesn't bring every member back in the same millisecond, yet
 * the first retry still comes quickly.
 */
export function reconnectDelay(attempt: number, baseMs = 500, maxMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
