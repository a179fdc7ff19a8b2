// Browser-mode sessions and one-time sign-in codes expire (idle, absolute, code lifetime) and are
// swept, on an injected clock.
import { describe, expect, it } from 'vitest';
import { COOKIE, OWNER, Sessions, SESSION_LIMITS, sessionCookie } from '../../cli/browser/sessions.js';

const H = 3600_000;

function clocked() {
  let t = 1_000_000;
  const sessions = new Sessions(SESSION_LIMITS, () => t);
  return { sessions, advance: (ms: number) => (t += ms), cookie: (id: string) => `other=1; ${COOKIE}=${id}` };
}

describe('browser-mode sessions', () => {
  it('end after 12 h unused; each use keeps them going', () => {
    const { sessions, advance, cookie } = clocked();
    const used = sessions.create();
    const idle = sessions.create();
    advance(11 * H);
    expect(sessions.valid(cookie(used))).toBe(true);
    advance(2 * H); // 13 h after sign-in, 2 h after its last use
    expect(sessions.valid(cookie(used))).toBe(true);
    expect(sessions.valid(cookie(idle))).toBe(false);
    sessions.close();
  });

  it('end 7 days after sign-in however much they are used', () => {
    const { sessions, advance, cookie } = clocked();
    const id = sessions.create();
    // Used every 11 h: never idle for 12 h.
    for (let i = 0; i < 15; i++) {
      advance(11 * H);
      expect(sessions.valid(cookie(id))).toBe(true);
    }
    // 165 h
    expect(sessions.valid(cookie(id))).toBe(true);
    advance(4 * H); // 169 h: past 7 days
    expect(sessions.valid(cookie(id))).toBe(false);
    sessions.close();
  });

  it('sign-in codes work once, for 10 minutes', () => {
    const { sessions, advance } = clocked();
    const once = sessions.newCode();
    expect(sessions.useCode(once)).toBe(true);
    expect(sessions.useCode(once)).toBe(false);
    const late = sessions.newCode();
    advance(10 * 60_000);
    expect(sessions.useCode(late)).toBe(false);
    expect(sessions.useCode('not-a-code')).toBe(false);
    sessions.close();
  });

  it('the sweep drops expired sessions and codes, and keeps live ones', () => {
    const { sessions, advance, cookie } = clocked();
    const old = sessions.create();
    sessions.newCode();
    advance(6 * H);
    const live = sessions.create();
    const code = sessions.newCode();
    expect(sessions.size).toEqual({ sessions: 2, codes: 2 });
    advance(7 * H); // old: 13 h idle; live: 7 h idle; both codes past 10 minutes
    sessions.sweep();
    expect(sessions.size).toEqual({ sessions: 1, codes: 0 });
    expect(sessions.valid(cookie(live))).toBe(true);
    expect(sessions.valid(cookie(old))).toBe(false);
    expect(sessions.useCode(code)).toBe(false);
    sessions.close();
  });

  it('sweeps on a timer that never keeps the process alive', async () => {
    let t = 0;
    const sessions = new Sessions({ ...SESSION_LIMITS, idleMs: 50, sweepMs: 20 }, () => t);
    sessions.create();
    t = 100;
    await expect.poll(() => sessions.size.sessions, { timeout: 2000, interval: 10 }).toBe(0);
    expect((sessions as unknown as { timer: NodeJS.Timeout }).timer.hasRef()).toBe(false);
    sessions.close();
  });

  it('the cookie lives no longer than a session may', () => {
    expect(sessionCookie('abc')).toBe(`${COOKIE}=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=604800`);
  });

  it('know who signed in (a token ID, or the owner for a one-time link), only while live', () => {
    const { sessions, advance, cookie } = clocked();
    const byToken = sessions.create('0123456789abcdef');
    const byLink = sessions.create();
    expect(sessions.user(cookie(byToken))).toBe('0123456789abcdef');
    expect(sessions.user(cookie(byLink))).toBe(OWNER);
    expect(sessions.user(cookie('nope'))).toBeUndefined();
    advance(13 * H);
    expect(sessions.user(cookie(byToken))).toBeUndefined();
    sessions.close();
  });
});
