// Browser-mode sign-in: sessions (random 256-bit ids in an HttpOnly, SameSite=Strict cookie,
// kept in memory) and one-time sign-in codes printed by `lpstudio serve` at start. Both expire:
// a session after 12 h unused or 7 days after sign-in, a code after 10 minutes; a periodic sweep
// drops the expired ones so a long-running server holds only live ones.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const COOKIE = 'lpstudio_session';

export interface SessionLimits {
  /** A session unused this long ends (ms). */
  idleMs: number;
  /** A session ends this long after sign-in, however much it is used (ms). */
  absoluteMs: number;
  /** A sign-in code is good this long (ms). */
  codeMs: number;
  /** How often expired sessions and codes are dropped (ms). */
  sweepMs: number;
}

export const SESSION_LIMITS: SessionLimits = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000, codeMs: 10 * 60_000, sweepMs: 10 * 60_000 };

interface Session {
  created: number;
  lastUsed: number;
  /** Who signed in: the operator token's ID, or OWNER for a one-time link. Server-made, never client-sent. */
  user: string;
}

/** The user of a session opened by a one-time sign-in link (printed to whoever runs the server). */
export const OWNER = 'owner';

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly codes = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly limits: SessionLimits = SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    // unref'd: the sweep never keeps the process alive.
    this.timer = setInterval(() => this.sweep(), limits.sweepMs);
    this.timer.unref();
  }

  /** How many sessions and codes are held (expired ones included until the next sweep). */
  get size(): { sessions: number; codes: number } {
    return { sessions: this.sessions.size, codes: this.codes.size };
  }

  /** A one-time code for a sign-in link. */
  newCode(): string {
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, this.now() + this.limits.codeMs);
    return code;
  }

  /** Spends a one-time code: true once, false after (or when expired or unknown). */
  useCode(code: string): boolean {
    for (const [c, until] of this.codes) {
      if (c.length === code.length && timingSafeEqual(Buffer.from(c), Buffer.from(code))) {
        this.codes.delete(c);
        return until > this.now();
      }
    }
    return false;
  }

  create(user: string = OWNER): string {
    const id = randomBytes(32).toString('base64url');
    const t = this.now();
    this.sessions.set(id, { created: t, lastUsed: t, user });
    return id;
  }

  /** The signed-in user of a live session (see valid), or undefined. */
  user(cookieHeader: string | undefined): string | undefined {
    if (!this.valid(cookieHeader)) return undefined;
    return this.sessions.get(cookieValue(cookieHeader, COOKIE)!)?.user;
  }

  /** Whether the cookie names a live session; using it keeps it from going idle. */
  valid(cookieHeader: string | undefined): boolean {
    const id = cookieValue(cookieHeader, COOKIE);
    if (id === undefined) return false;
    const s = this.sessions.get(id);
    if (s === undefined) return false;
    const t = this.now();
    if (this.expired(s, t)) {
      this.sessions.delete(id);
      return false;
    }
    s.lastUsed = t;
    return true;
  }

  end(cookieHeader: string | undefined): void {
    const id = cookieValue(cookieHeader, COOKIE);
    if (id !== undefined) this.sessions.delete(id);
  }

  /** Drops expired sessions and codes. */
  sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (this.expired(s, t)) this.sessions.delete(id);
    for (const [c, until] of this.codes) if (until <= t) this.codes.delete(c);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private expired(s: Session, t: number): boolean {
    return t - s.lastUsed >= this.limits.idleMs || t - s.created >= this.limits.absoluteMs;
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session cookie: it lives as long as a session may (the server ends it earlier when unused). */
export function sessionCookie(id: string, limits: SessionLimits = SESSION_LIMITS): string {
  return `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(limits.absoluteMs / 1000)}`;
}
