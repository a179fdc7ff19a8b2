// Failed password checks per client address (v1 users: u/p and Basic). A password is checked
// with scrypt, which is slow on purpose; so a client that keeps guessing is answered 429 with
// Retry-After, before any check, until its failures are a window old. Tokens are not limited:
// they are 256-bit random values checked by hash. Successful checks do not count, nor clear the
// failures (a guesser interleaved with a good client gains nothing).
// Note: every local client shares the address 127.0.0.1, so a misconfigured local client with a
// wrong password also blocks other local password clients for the window; token clients (the
// app itself) are never blocked.
import { HttpError } from './respond.js';

export interface PasswordAttemptsOptions {
  /** Failures within the window that block the client. */
  limit?: number;
  windowMs?: number;
  now?: () => number;
  /** Clients remembered at most (the oldest are forgotten first). */
  maxClients?: number;
}

export class PasswordAttempts {
  private readonly failures = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxClients: number;

  constructor(o: PasswordAttemptsOptions = {}) {
    this.limit = o.limit ?? 5;
    this.windowMs = o.windowMs ?? 60_000;
    this.now = o.now ?? Date.now;
    this.maxClients = o.maxClients ?? 10_000;
  }

  /** Throws a 429 HttpError (InfluxDB's JSON error, with Retry-After) while `client` is blocked. */
  check(client: string): void {
    const recent = this.recent(client);
    if (recent.length < this.limit) return;
    const seconds = Math.max(1, Math.ceil((recent[recent.length - this.limit] + this.windowMs - this.now()) / 1000));
    throw new HttpError(
      'too many requests',
      `too many failed password attempts from this address: retry in ${seconds} s`,
      {},
      { 'Retry-After': String(seconds) },
    );
  }

  failed(client: string): void {
    const recent = this.recent(client);
    recent.push(this.now());
    if (recent.length > this.limit) recent.splice(0, recent.length - this.limit);
    this.failures.delete(client); // re-inserted last: the Map's order is the eviction order
    this.failures.set(client, recent);
    if (this.failures.size > this.maxClients) this.failures.delete(this.failures.keys().next().value as string);
  }

  /** The client's failures still inside the window, oldest first. */
  private recent(client: string): number[] {
    const since = this.now() - this.windowMs;
    const all = this.failures.get(client);
    if (all === undefined) return [];
    const recent = all.filter((t) => t > since);
    if (recent.length === 0) this.failures.delete(client);
    return recent;
  }
}
