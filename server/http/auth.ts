// Who is calling: the credential forms InfluxDB 2.x accepts on /write (spec §2.4.2) and on
// /api/v2/* (§3.1), resolved against hashed tokens and v1 authorizations.
import type { IncomingMessage } from 'node:http';
import { hashToken, sameDigest, verifyPassword, type MetaState } from '../meta.js';
import type { PasswordAttempts } from './password-attempts.js';
import { HttpError } from './respond.js';

export type AuthMethod = 'token' | 'basic' | 'query' | 'bearer';

export interface Principal {
  orgId: string;
  read: '*' | string[];
  write: '*' | string[];
  method: AuthMethod;
  /** Token description or v1 username, for the request log (never the secret). */
  name: string;
}

type Credentials =
  | { kind: 'token'; token: string; method: AuthMethod }
  | { kind: 'password'; username: string; secret: string; method: AuthMethod };

const NO_CREDENTIALS = () => new HttpError('unauthorized', 'unauthorized access');
const BAD_CREDENTIALS = () => new HttpError('unauthorized', 'Unauthorized');

/** Credentials of a 1.x-compatible request: u/p, `Token T` / `Token user:T`, Basic. */
export function v1Credentials(req: IncomingMessage, query: URLSearchParams): Credentials {
  const u = query.get('u') ?? '';
  const p = query.get('p') ?? '';
  if (u !== '' && p !== '') return { kind: 'password', username: u, secret: p, method: 'query' };
  const header = req.headers.authorization ?? '';
  const parts = header.split(' ');
  if (parts.length === 2 && parts[0] === 'Token' && parts[1] !== '') {
    const colon = parts[1].indexOf(':');
    return { kind: 'token', token: colon >= 0 ? parts[1].slice(colon + 1) : parts[1], method: 'token' };
  }
  const basic = parseBasic(header);
  if (basic !== null) return { kind: 'password', username: basic.user, secret: basic.password, method: 'basic' };
  throw NO_CREDENTIALS();
}

/** Credentials of an /api/v2 request: `Token T` or `Bearer T` (scheme case-insensitive). */
export function v2Credentials(req: IncomingMessage): Credentials {
  const header = req.headers.authorization ?? '';
  const space = header.indexOf(' ');
  const scheme = space < 0 ? '' : header.slice(0, space).toLowerCase();
  const token = space < 0 ? '' : header.slice(space + 1);
  if ((scheme === 'token' || scheme === 'bearer') && token !== '') return { kind: 'token', token, method: scheme === 'token' ? 'token' : 'bearer' };
  throw NO_CREDENTIALS();
}

function parseBasic(header: string): { user: string; password: string } | null {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (m === null) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Who is asking, for limiting failed password checks per client address. */
export interface Caller {
  client: string;
  attempts: PasswordAttempts;
}

/**
 * Resolves credentials: tokens by hash; a username first as a v1 authorization, else the secret
 * as a token. With a caller, a client that failed password checks too often lately is refused
 * (429) before any check, and each failed password form counts against it.
 */
export async function authenticate(meta: Readonly<MetaState>, c: Credentials, api: 'v1' | 'v2' = 'v1', caller?: Caller): Promise<Principal> {
  // /api/v2 answers every failure with "unauthorized access"; the v1 wrapper normalises to "Unauthorized".
  if (api === 'v2') {
    try {
      return await authenticate(meta, c, 'v1', caller);
    } catch (e) {
      if (e instanceof HttpError && e.code === 'unauthorized') throw NO_CREDENTIALS();
      throw e;
    }
  }
  if (c.kind === 'token') return fromToken(meta, c.token, c.method);
  caller?.attempts.check(caller.client);
  try {
    const v1 = meta.v1auths.find((a) => a.username === c.username);
    if (v1 === undefined) return fromToken(meta, c.secret, c.method);
    if (!(await verifyPassword(c.secret, v1.passwordHash))) throw BAD_CREDENTIALS();
    return { orgId: v1.orgId, read: v1.read, write: v1.write, method: c.method, name: v1.username };
  } catch (e) {
    if (e instanceof HttpError && e.code === 'unauthorized') caller?.attempts.failed(caller.client);
    throw e;
  }
}

function fromToken(meta: Readonly<MetaState>, token: string, method: AuthMethod): Principal {
  const digest = hashToken(token);
  let found: Principal | null = null;
  // Compare against every token in constant time per comparison; no early exit on a match.
  for (const t of meta.tokens) {
    if (sameDigest(digest, t.hash)) found = { orgId: t.orgId, read: t.read, write: t.write, method, name: t.description };
  }
  if (found === null) throw BAD_CREDENTIALS();
  return found;
}

export function canWrite(p: Principal, bucketId: string): boolean {
  return p.write === '*' || p.write.includes(bucketId);
}

export function canRead(p: Principal, bucketId: string): boolean {
  return p.read === '*' || p.read.includes(bucketId) || canWrite(p, bucketId);
}
