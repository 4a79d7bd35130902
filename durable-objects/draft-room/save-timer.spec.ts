import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SaveTimer } from './save-timer';

describe('SaveTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves once after the changes stop', () => {
    const save = vi.fn();
    const timer = new SaveTimer(save, 2000, 10_000);
    for (let i = 0; i < 5; i++) {
      timer.changed();
      vi.advanceTimersByTime(500);
    }
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2000);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('saves at least every maxWait while changes keep coming', () => {
    const save = vi.fn();
    const timer = new SaveTimer(save, 2000, 10_000);
    for (let i = 0; i < 50; i++) {
      timer.changed();
      vi.advanceTimersByTime(500);
    }
    // 25 s of typing: saved at 10 s and 20 s, none since the last change yet.
    expect(save).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(2000);
    expect(save).toHaveBeenCalledTimes(3);
  });
});
