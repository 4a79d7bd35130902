import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  it('doubles from the base, capped, with half of it random', () => {
    expect(reconnectDelay(0, 500, 30_000, () => 0)).toBe(250);
    expect(reconnectDelay(0, 500, 30_000, () => 1)).toBe(500);
    expect(reconnectDelay(3, 500, 30_000, () => 0.5)).toBe(3000);
    expect(reconnectDelay(20, 500, 30_000, () => 1)).toBe(30_000);
    expect(reconnectDelay(20, 500, 30_000, () => 0)).toBe(15_000);
  });
});
