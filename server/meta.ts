// The endpoint's metadata: organisations, users, buckets, API tokens, v1 authorizations and
// DBRP mappings, kept in <data>/meta.json. Secrets are stored only as hashes (tokens: SHA-256
// of a 256-bit random value; passwords: scrypt with a per-record salt) and compared in
// constant time. Every change is written atomically (server/fs/atomic-file.ts) under
// meta.json.lock (server/fs/lock-file.ts), and a running server picks up changes made by the CLI
// on the next request.
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { sweepAtomicTemps, writeFileAtomicSync } from './fs/atomic-file.js';
import { withLockSync } from './fs/lock-file.js';
import type { BucketInfo } from './store/api.js';

export interface Org {
  id: string;
  name: string;
}

export interface User {
  id: string;
  name: string;
  passwordHash?: string;
}

export interface TokenRecord {
  id: string;
  description: string;
  orgId: string;
  /** sha256 hex of the token. */
  hash: string;
  /** `all` for the operator token; otherwise bucket IDs. */
  read: '*' | string[];
  write: '*' | string[];
}

export interface V1Auth {
  id: string;
  username: string;
  /** scrypt$salt$hash */
  passwordHash: string;
  orgId: string;
  read: string[];
  write: string[];
}

export interface Dbrp {
  id: string;
  orgId: string;
  db: string;
  rp: string;
  bucketId: string;
  default: boolean;
}

export interface MetaState {
  version: 1;
  orgs: Org[];
  users: User[];
  buckets: BucketInfo[];
  tokens: TokenRecord[];
  v1auths: V1Auth[];
  dbrps: Dbrp[];
  /** IDs of the buckets an InfluxDB 3 write created (`/api/v3/write_lp`, or --compat influxdb3): shown as 3.x databases. */
  v3Databases?: string[];
}

const id16 = z.string().regex(/^[0-9a-f]{16}$/);
const MetaSchema = z.object({
  version: z.literal(1),
  orgs: z.array(z.object({ id: id16, name: z.string().min(1) })),
  users: z.array(z.object({ id: id16, name: z.string().min(1), passwordHash: z.string().optional() })),
  buckets: z.array(
    z.object({ id: id16, name: z.string().min(1), orgId: id16, retentionSeconds: z.number().int().min(0), createdAt: z.string() }),
  ),
  tokens: z.array(
    z.object({
      id: id16,
      description: z.string(),
      orgId: id16,
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      read: z.union([z.literal('*'), z.array(id16)]),
      write: z.union([z.literal('*'), z.array(id16)]),
    }),
  ),
  v1auths: z.array(
    z.object({ id: id16, username: z.string().min(1), passwordHash: z.string(), orgId: id16, read: z.array(id16), write: z.array(id16) }),
  ),
  dbrps: z.array(
    z.object({ id: id16, orgId: id16, db: z.string().min(1), rp: z.string().min(1), bucketId: id16, default: z.boolean() }),
  ),
  v3Databases: z.array(id16).optional(),
});

export function newId(): string {
  return randomBytes(8).toString('hex');
}

export function newToken(): string {
  return randomBytes(48).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** Checks a password against its stored hash off the event loop (scrypt runs in libuv's thread pool). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || saltHex === undefined || hashHex === undefined) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scryptAsync(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parses a retention like `0`, `30d`, `72h`, `90m`, `1w`, `3600s` (InfluxDB's duration units) to seconds. */
export function parseRetention(raw: string): number {
  if (raw === '0' || raw === 'inf' || raw === 'infinite') return 0;
  const re = /(\d+)(w|d|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(raw); m !== null; m = re.exec(raw)) {
    total += Number(m[1]) * { w: 604800, d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'w' | 'd' | 'h' | 'm' | 's'];
    matched = re.lastIndex;
  }
  if (matched !== raw.length || matched === 0) throw new Error(`invalid retention "${raw}": use e.g. 30d, 72h, 1w2d or 0 for infinite`);
  if (total > 0 && total < 3600) throw new Error(`retention ${raw} is below the minimum of 1h`);
  return total;
}

export function formatRetention(seconds: number): string {
  if (seconds === 0) return 'infinite';
  const units: [number, string][] = [[604800, 'w'], [86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']];
  let s = seconds;
  let out = '';
  for (const [n, u] of units) {
    if (s >= n) {
      out += `${Math.floor(s / n)}${u}`;
      s %= n;
    }
  }
  return out;
}

export class MetaError extends Error {}

/** meta.json with atomic saves and reload-on-change. */
export class MetaStore {
  private state: MetaState;
  /** fileVersion() of meta.json when last read or written. */
  private version = '';
  readonly file: string;

  private constructor(
    readonly dataDir: string,
    state: MetaState,
  ) {
    this.file = path.join(dataDir, 'meta.json');
    this.state = state;
  }

  static open(dataDir: string): MetaStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const store = new MetaStore(dataDir, emptyState());
    sweepAtomicTemps(store.file);
    store.reloadIfChanged(true);
    return store;
  }

  get onboarded(): boolean {
    this.reloadIfChanged();
    return this.state.orgs.length > 0;
  }

  /** Current state (reloaded when another process changed the file). */
  get(): Readonly<MetaState> {
    this.reloadIfChanged();
    return this.state;
  }

  /**
   * Applies a change and saves atomically, holding meta.json.lock: the management commands and
   * a running endpoint all change meta.json this way, each re-reading it under the lock first,
   * so no change overwrites another.
   */
  update<T>(change: (s: MetaState) => T): T {
    return withLockSync(`${this.file}.lock`, () => {
      this.reloadIfChanged(true);
      const draft = structuredClone(this.state);
      const result = change(draft);
      MetaSchema.parse(draft);
      this.save(draft);
      this.state = draft;
      return result;
    });
  }

  /** Re-reads meta.json when it was replaced since the last read (or always, with force). */
  reloadIfChanged(force = false): boolean {
    let version: string;
    try {
      version = fileVersion(this.file);
    } catch {
      return false;
    }
    if (!force && version === this.version) return false;
    const raw = readFileSync(this.file, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new MetaError(`${this.file} is not valid JSON (${(e as Error).message}); restore it from a backup or remove the data directory`);
    }
    const r = MetaSchema.safeParse(parsed);
    if (!r.success) throw new MetaError(`${this.file} is malformed: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
    this.state = r.data as MetaState;
    this.version = version;
    return true;
  }

  private save(state: MetaState): void {
    writeFileAtomicSync(this.file, JSON.stringify(state, null, 1), { mode: 0o600 });
    this.version = fileVersion(this.file);
  }
}

/**
 * Tells replacements of a file apart: every save renames a new file into place (a new inode), and
 * size and nanosecond mtime catch the rest (mtime alone can stay put between two quick saves).
 */
function fileVersion(file: string): string {
  const st = statSync(file, { bigint: true });
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

function emptyState(): MetaState {
  return { version: 1, orgs: [], users: [], buckets: [], tokens: [], v1auths: [], dbrps: [] };
}

export interface SetupOptions {
  username: string;
  password?: string;
  org: string;
  bucket: string;
  retentionSeconds?: number;
  /** The operator token to use; generated when absent. */
  token?: string;
  force?: boolean;
}

export interface SetupResult {
  orgId: string;
  bucketId: string;
  token: string;
  tokenGenerated: boolean;
}

/** Onboarding like `influx setup`: an org, a user, a default bucket and an all-access operator token. */
export function setup(meta: MetaStore, o: SetupOptions): SetupResult {
  if (meta.onboarded && !o.force) {
    throw new MetaError('this data directory is already set up; use --force to set it up again (existing buckets are kept)');
  }
  const token = o.token ?? newToken();
  if (token.length < 16) throw new MetaError('the operator token must be at least 16 characters');
  const passwordHash = o.password === undefined ? undefined : hashPassword(o.password);
  return meta.update((s) => {
    let org = s.orgs.find((x) => x.name === o.org);
    if (org === undefined) {
      org = { id: newId(), name: o.org };
      s.orgs.push(org);
    }
    const orgId = org.id;
    s.users = s.users.filter((u) => u.name !== o.username);
    s.users.push({ id: newId(), name: o.username, passwordHash });
    let bucket = s.buckets.find((b) => b.orgId === orgId && b.name === o.bucket);
    if (bucket === undefined) {
      bucket = { id: newId(), name: o.bucket, orgId, retentionSeconds: o.retentionSeconds ?? 0, createdAt: new Date().toISOString() };
      s.buckets.push(bucket);
    }
    s.tokens = s.tokens.filter((t) => t.description !== `${o.username}'s Token`);
    s.tokens.push({ id: newId(), description: `${o.username}'s Token`, orgId, hash: hashToken(token), read: '*', write: '*' });
    return { orgId, bucketId: bucket.id, token, tokenGenerated: o.token === undefined };
  });
}

/** Creates a bucket (InfluxDB's name rules; a name is unique within its org). */
export function createBucket(meta: MetaStore, orgId: string, name: string, retentionSeconds: number): BucketInfo {
  checkBucketName(name);
  return meta.update((s) => {
    if (s.buckets.some((x) => x.orgId === orgId && x.name === name)) throw new MetaError(`bucket with name ${name} already exists`);
    const bucket: BucketInfo = { id: newId(), name, orgId, retentionSeconds, createdAt: new Date().toISOString() };
    s.buckets.push(bucket);
    return bucket;
  });
}

/** Deletes a bucket and the DBRP mappings pointing at it (its data goes with the next sync). */
export function deleteBucket(meta: MetaStore, bucketId: string): void {
  meta.update((s) => {
    s.buckets = s.buckets.filter((x) => x.id !== bucketId);
    s.dbrps = s.dbrps.filter((m) => m.bucketId !== bucketId);
    if (s.v3Databases !== undefined) s.v3Databases = s.v3Databases.filter((id) => id !== bucketId);
  });
}

/** Bucket names follow InfluxDB's rules: not empty, no leading underscore, at most 255 bytes. */
export function checkBucketName(name: string): void {
  if (name.length === 0) throw new MetaError('bucket name must not be empty');
  if (name.startsWith('_')) throw new MetaError(`bucket name "${name}" is invalid: names starting with "_" are reserved`);
  if (Buffer.byteLength(name) > 255) throw new MetaError('bucket name is longer than 255 bytes');
  if (/["\\\x00-\x1f]/.test(name)) throw new MetaError(`bucket name "${name}" contains a quote, backslash or control character`);
}

/** A MetaError for a record that does not exist (hosts answer it as "not found"). */
export class MetaNotFoundError extends MetaError {}

/** The token the app itself writes with in browser mode: replaced at every start, never deleted by hand. */
export const APP_TOKEN_DESCRIPTION = 'Line Protocol Studio app';
/** The desktop app's own token (its main process writes with it to the endpoint it runs). */
export const DESKTOP_TOKEN_DESCRIPTION = 'Line Protocol Studio desktop';
/** A token the app mints for itself at every start: not the user's to delete or imitate. */
export function isAppToken(t: { description: string }): boolean {
  return t.description === APP_TOKEN_DESCRIPTION || t.description === DESKTOP_TOKEN_DESCRIPTION;
}

/**
 * Mints the app's own token (`APP_TOKEN_DESCRIPTION` or `DESKTOP_TOKEN_DESCRIPTION`) with write
 * access to every bucket of the first org, replacing the one of an earlier start; only its hash is
 * stored, the token is returned to be held in memory.
 */
export function replaceAppToken(meta: MetaStore, description: typeof APP_TOKEN_DESCRIPTION | typeof DESKTOP_TOKEN_DESCRIPTION): string {
  const token = newToken();
  meta.update((s) => {
    s.tokens = s.tokens.filter((t) => t.description !== description);
    s.tokens.push({ id: newId(), description, orgId: s.orgs[0].id, hash: hashToken(token), read: '*', write: '*' });
  });
  return token;
}

/** The token the desktop's tray copies: write access to bucket "default" only, labelled so in the token list. */
export const TRAY_TOKEN_DESCRIPTION = 'Tray: write-only token for bucket default';
const TRAY_BUCKET = 'default';

/**
 * The tray's write-only token for bucket "default". `known` is the one the app already holds: it
 * is given back while its record still exists (minted once, reused afterwards); otherwise (first
 * use, the app restarted, or the user deleted it) a new one replaces any earlier record. Only the
 * hash is stored; the token is returned to be held by the app in memory.
 */
export function trayWriteToken(meta: MetaStore, known?: string): { token: string; minted: boolean } {
  const s = meta.get();
  if (known !== undefined) {
    const digest = hashToken(known);
    if (s.tokens.some((t) => t.description === TRAY_TOKEN_DESCRIPTION && sameDigest(digest, t.hash))) return { token: known, minted: false };
  }
  const token = newToken();
  meta.update((d) => {
    const org = d.orgs[0];
    const bucket = org === undefined ? undefined : d.buckets.find((b) => b.orgId === org.id && b.name === TRAY_BUCKET);
    if (org === undefined || bucket === undefined) throw new MetaNotFoundError(`there is no bucket "${TRAY_BUCKET}" to write to: create it, then copy the token again`);
    d.tokens = d.tokens.filter((t) => t.description !== TRAY_TOKEN_DESCRIPTION);
    d.tokens.push({ id: newId(), description: TRAY_TOKEN_DESCRIPTION, orgId: org.id, hash: hashToken(token), read: [], write: [bucket.id] });
  });
  return { token, minted: true };
}

/** Database, retention policy, usernames and descriptions: not blank, at most 255 bytes, no control characters. */
function checkText(what: string, value: string): void {
  if (value.trim() === '') throw new MetaError(`${what} must not be empty`);
  if (Buffer.byteLength(value) > 255) throw new MetaError(`${what} is longer than 255 bytes: shorten it`);
  if (/[\x00-\x1f\x7f]/.test(value)) throw new MetaError(`${what} contains a control character: remove it`);
}

/** Grants name buckets of the org that exist. */
function checkBuckets(s: MetaState, orgId: string, ids: '*' | string[]): void {
  if (ids === '*') return;
  for (const id of ids) if (!s.buckets.some((b) => b.id === id && b.orgId === orgId)) throw new MetaNotFoundError(`bucket "${id}" not found`);
}

export interface DbrpInput {
  orgId: string;
  db: string;
  rp: string;
  bucketId: string;
  /** Make it the db's default (the first mapping of a db is its default anyway). */
  default?: boolean;
}

/** Creates a DBRP mapping with InfluxDB's rules: one per db and rp in an org, exactly one default per db. */
export function createDbrp(meta: MetaStore, o: DbrpInput): Dbrp {
  checkText('the database name', o.db);
  checkText('the retention policy', o.rp);
  return meta.update((s) => {
    checkBuckets(s, o.orgId, [o.bucketId]);
    const sameDb = s.dbrps.filter((x) => x.orgId === o.orgId && x.db === o.db);
    if (sameDb.some((x) => x.rp === o.rp)) throw new MetaError(`a mapping for db "${o.db}" rp "${o.rp}" already exists`);
    const isDefault = o.default === true || sameDb.length === 0;
    if (isDefault) for (const x of sameDb) x.default = false;
    const mapping: Dbrp = { id: newId(), orgId: o.orgId, db: o.db, rp: o.rp, bucketId: o.bucketId, default: isDefault };
    s.dbrps.push(mapping);
    return mapping;
  });
}

/** Deletes a DBRP mapping; when it was the default, the db's next mapping becomes the default (as InfluxDB does). */
export function deleteDbrp(meta: MetaStore, id: string): Dbrp {
  return meta.update((s) => {
    const m = s.dbrps.find((x) => x.id === id);
    if (m === undefined) throw new MetaNotFoundError(`no DBRP mapping with ID ${id}: it may have been deleted already`);
    s.dbrps = s.dbrps.filter((x) => x !== m);
    const next = s.dbrps.find((x) => x.orgId === m.orgId && x.db === m.db);
    if (m.default && next !== undefined) next.default = true;
    return m;
  });
}

export interface V1AuthInput {
  orgId: string;
  username: string;
  password: string;
  read: string[];
  write: string[];
}

/** A v1 authorization (`influx v1 auth create`): a unique username, its password stored hashed. */
export function createV1Auth(meta: MetaStore, o: V1AuthInput): V1Auth {
  checkText('the username', o.username);
  // Basic auth splits user:password at the first colon, so such a name could never sign in that way.
  if (o.username.includes(':')) throw new MetaError(`the username "${o.username}" contains ":": choose a name without one`);
  if (o.password === '') throw new MetaError('the password must not be empty');
  const passwordHash = hashPassword(o.password); // slow on purpose: not while holding the lock
  return meta.update((s) => {
    if (s.v1auths.some((a) => a.username === o.username)) throw new MetaError(`a v1 authorization for "${o.username}" already exists`);
    checkBuckets(s, o.orgId, [...o.read, ...o.write]);
    const auth: V1Auth = { id: newId(), username: o.username, passwordHash, orgId: o.orgId, read: o.read, write: o.write };
    s.v1auths.push(auth);
    return auth;
  });
}

export function deleteV1Auth(meta: MetaStore, id: string): void {
  meta.update((s) => {
    if (!s.v1auths.some((a) => a.id === id)) throw new MetaNotFoundError(`no v1 user with ID ${id}: it may have been deleted already`);
    s.v1auths = s.v1auths.filter((a) => a.id !== id);
  });
}

/** An operator token signs in to the UI and manages the endpoint: write access to every bucket (not the app's own). */
function isOperatorToken(t: TokenRecord): boolean {
  return t.write === '*' && !isAppToken(t);
}

/** Creates an API token; the token in clear is returned here only (just its hash is stored). */
export function createToken(meta: MetaStore, o: { orgId: string; description: string; read: '*' | string[]; write: '*' | string[] }): { record: TokenRecord; token: string } {
  checkText('the description', o.description);
  if (isAppToken(o) || o.description === TRAY_TOKEN_DESCRIPTION) throw new MetaError(`"${o.description}" is the description of the app's own token: choose another`);
  const token = newToken();
  const record = meta.update((s) => {
    checkBuckets(s, o.orgId, o.read);
    checkBuckets(s, o.orgId, o.write);
    const r: TokenRecord = { id: newId(), description: o.description, orgId: o.orgId, hash: hashToken(token), read: o.read, write: o.write };
    s.tokens.push(r);
    return r;
  });
  return { record, token };
}

/** Deletes an API token, but never the app's own nor the last operator token (nobody could sign in or manage the endpoint). */
export function deleteToken(meta: MetaStore, id: string): void {
  meta.update((s) => {
    const t = s.tokens.find((x) => x.id === id);
    if (t === undefined) throw new MetaNotFoundError(`no token with ID ${id}: it may have been deleted already`);
    if (isAppToken(t)) {
      throw new MetaError('this is the token the app itself writes with while its endpoint runs (a new one replaces it at every start): it cannot be deleted');
    }
    if (isOperatorToken(t) && !s.tokens.some((x) => x !== t && isOperatorToken(x))) {
      throw new MetaError('this is the last operator token: without one nobody can sign in or manage this endpoint; create another token with access to all buckets first');
    }
    s.tokens = s.tokens.filter((x) => x !== t);
  });
}
