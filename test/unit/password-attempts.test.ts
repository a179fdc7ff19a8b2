// The per-client limit of failed password checks, with its clock injected: the window slides,
// Retry-After counts down to the oldest failure's expiry, clients are independent, and the
// number of clients remembered is bounded.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../server/http/respond.js';
import { PasswordAttempts } from '../../server/http/password-attempts.js';

function refusal(f: () => void): HttpError | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
}

describe('PasswordAttempts', () => {
  it('blocks a client after 5 failures within a minute, until the oldest of them is a minute old', () => {
    let now = 1_000_000;
    const a = new PasswordAttempts({ now: () => now });
    for (let i = 0; i < 5; i++) {
      expect(refusal(() => a.check('10.0.0.1'))).toBeNull();
      a.failed('10.0.0.1');
      now += 10_000;
    }
    // Failures at 0, 10, 20, 30, 40 s; now is 50 s.
    const e = refusal(() => a.check('10.0.0.1'));
    expect([e?.status, e?.code, e?.headers['Retry-After']]).toEqual([429, 'too many requests', '10']);
    expect(refusal(() => a.check('10.0.0.2'))).toBeNull();
    now += 9_999;
    expect(refusal(() => a.check('10.0.0.1'))?.headers['Retry-After']).toBe('1');
    now += 1;
    expect(refusal(() => a.check('10.0.0.1'))).toBeNull(); // the first failure left the window
    a.failed('10.0.0.1'); // 5 within the window again
    expect(refusal(() => a.check('10.0.0.1'))?.headers['Retry-After']).toBe('10');
  });

  it('remembers at most maxClients, forgetting the least recently failing first', () => {
    const a = new PasswordAttempts({ limit: 1, maxClients: 2, now: () => 0 });
    a.failed('a');
    a.failed('b');
    a.failed('a');
    a.failed('c'); // forgets b
    expect(refusal(() => a.check('a'))).not.toBeNull();
    expect(refusal(() => a.check('b'))).toBeNull();
    expect(refusal(() => a.check('c'))).not.toBeNull();
  });
});
