// Browser-mode sign-in: sessions (random 256-bit ids in an HttpOnly, SameSite=Strict cookie,
// kept in memory) and one-time sign-in codes printed by `lpstudio serve` at start.
import { randomBytes, timingSafeEqual } from 'node:crypto';

const SESSION_MS = 12 * 3600_000;
const CODE_MS = 10 * 60_000;
export const COOKIE = 'lpstudio_session';

export class Sessions {
  private readonly sessions = new Map<string, number>();
  private readonly codes = new Map<string, number>();

  /** A one-time code for a sign-in link, valid for 10 minutes. */
  newCode(): string {
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, Date.now() + CODE_MS);
    return code;
  }

  /** Spends a one-time code: true once, false after (or when expired or unknown). */
  useCode(code: string): boolean {
    for (const [c, until] of this.codes) {
      if (c.length === code.length && timingSafeEqual(Buffer.from(c), Buffer.from(code))) {
        this.codes.delete(c);
        return until > Date.now();
      }
    }
    return false;
  }

  create(): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, Date.now() + SESSION_MS);
    return id;
  }

  valid(cookieHeader: string | undefined): boolean {
    const id = cookieValue(cookieHeader, COOKIE);
    if (id === undefined) return false;
    const until = this.sessions.get(id);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  end(cookieHeader: string | undefined): void {
    const id = cookieValue(cookieHeader, COOKIE);
    if (id !== undefined) this.sessions.delete(id);
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string): string {
  return `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
}
