import { describe, expect, it } from 'vitest';
import { CLOSE_ACCESS_REVOKED, CLOSE_SESSION_EXPIRED, FINAL_CLOSE_CODES, closeMessage } from './close-codes';
import { MessageRate } from './limits';

describe('MessageRate', () => {
  it('allows `max` messages per one-second window, then refuses until the next window', () => {
    let t = 1_000_000;
    const rate = new MessageRate(3, () => t);
    expect([rate.hit(), rate.hit(), rate.hit(), rate.hit()]).toEqual([true, true, true, false]);
    t += 999;
    expect(rate.hit()).toBe(false);
    t += 1;
    expect(rate.hit()).toBe(true);
  });
});

describe('close codes', () => {
  it('say why a socket closed; only an ordinary drop says nothing', () => {
    expect(closeMessage(CLOSE_SESSION_EXPIRED)).toBe('Your session expired — reconnecting…');
    expect(closeMessage(CLOSE_ACCESS_REVOKED)).toBe('Your access to this site was removed.');
    expect(closeMessage(1006)).toBeNull();
    expect(FINAL_CLOSE_CODES).toContain(CLOSE_ACCESS_REVOKED);
    expect(FINAL_CLOSE_CODES).not.toContain(CLOSE_SESSION_EXPIRED);
  });
});
