// Metadata, credentials and DBRP resolution of the embedded endpoint, on a real data directory.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticate, v1Credentials, v2Credentials } from '../../server/http/auth.js';
import { findMapping, mappings } from '../../server/http/dbrp.js';
import { HttpError } from '../../server/http/respond.js';
import {
  APP_TOKEN_DESCRIPTION,
  DESKTOP_TOKEN_DESCRIPTION,
  createBucket,
  createDbrp,
  createToken,
  createV1Auth,
  deleteDbrp,
  deleteToken,
  deleteV1Auth,
  hashPassword,
  hashToken,
  MetaError,
  MetaNotFoundError,
  MetaStore,
  newId,
  parseRetention,
  setup,
} from '../../server/meta.js';

function freshMeta() {
  const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-meta-'));
  const meta = MetaStore.open(dir);
  const s = setup(meta, { username: 'admin', org: 'acme', bucket: 'telegraf', token: 'operator-token-0123456789' });
  return { dir, meta, ...s };
}

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const q = (s = '') => new URLSearchParams(s);

function rejects(f: () => unknown): HttpError {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('expected an HttpError');
}
async function rejectsAsync(f: () => Promise<unknown>): Promise<HttpError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('expected an HttpError');
}

describe('meta store', () => {
  it('keeps only hashes of secrets, mode 0600, and refuses a second setup without --force', () => {
    const { dir, meta } = freshMeta();
    const raw = readFileSync(path.join(dir, 'meta.json'), 'utf8');
    expect(raw).not.toContain('operator-token-0123456789');
    expect(statSync(path.join(dir, 'meta.json')).mode & 0o777).toBe(0o600);
    expect(() => setup(meta, { username: 'admin', org: 'acme', bucket: 'x' })).toThrow(MetaError);
    const again = setup(meta, { username: 'admin', org: 'acme', bucket: 'x', force: true });
    expect(again.tokenGenerated).toBe(true);
    expect(meta.get().buckets.map((b) => b.name).sort()).toEqual(['telegraf', 'x']);
  });

  it('sees changes another process made, and rejects a corrupted file clearly', () => {
    const { dir, meta } = freshMeta();
    const other = MetaStore.open(dir);
    other.update((s) => {
      s.buckets.push({ id: newId(), name: 'added', orgId: s.orgs[0].id, retentionSeconds: 0, createdAt: new Date().toISOString() });
    });
    expect(meta.get().buckets.some((b) => b.name === 'added')).toBe(true);
    writeFileSync(path.join(dir, 'meta.json'), '{"version":1,"orgs":[{"id":"../../etc"}]}');
    expect(() => MetaStore.open(dir)).toThrow(/meta\.json is malformed/);
  });

  it('parses retention durations', () => {
    expect(parseRetention('0')).toBe(0);
    expect(parseRetention('30d')).toBe(30 * 86400);
    expect(parseRetention('1w2d3h')).toBe(604800 + 2 * 86400 + 3 * 3600);
    expect(() => parseRetention('10 days')).toThrow(/invalid retention/);
    expect(() => parseRetention('30m')).toThrow(/minimum of 1h/);
  });
});

describe('credentials on /write (InfluxDB 2.x rules)', () => {
  it('accepts Token T, Token user:T, Basic with a token as password, and u/p', async () => {
    const { meta, orgId } = freshMeta();
    const m = meta.get();
    for (const c of [
      v1Credentials(req('Token operator-token-0123456789'), q()),
      v1Credentials(req('Token anyone:operator-token-0123456789'), q()),
      v1Credentials(req('Basic ' + Buffer.from('whoever:operator-token-0123456789').toString('base64')), q()),
      v1Credentials(req(), q('u=whoever&p=operator-token-0123456789')),
    ]) {
      expect(await authenticate(m, c)).toMatchObject({ orgId, write: '*' });
    }
  });

  it('checks a v1 password before trying the secret as a token', async () => {
    const { meta, orgId, bucketId } = freshMeta();
    meta.update((s) => {
      s.v1auths.push({ id: newId(), username: 'writer', passwordHash: hashPassword('s3cret'), orgId, read: [], write: [bucketId] });
    });
    const m = meta.get();
    const basic = (u: string, p: string) => v1Credentials(req('Basic ' + Buffer.from(`${u}:${p}`).toString('base64')), q());
    expect(await authenticate(m, basic('writer', 's3cret'))).toMatchObject({ method: 'basic', write: [bucketId] });
    expect((await rejectsAsync(() => authenticate(m, basic('writer', 'operator-token-0123456789')))).message).toBe('Unauthorized');
    expect((await rejectsAsync(() => authenticate(m, basic('writer', 'wrong')))).status).toBe(401);
  });

  it('refuses Bearer and malformed headers on /write with 401 unauthorized access', () => {
    for (const h of ['Bearer operator-token-0123456789', 'Token  two-spaces', 'token lower-case', '']) {
      const e = rejects(() => v1Credentials(req(h), q()));
      expect([e.status, e.code, e.message]).toEqual([401, 'unauthorized', 'unauthorized access']);
    }
    expect(rejects(() => v1Credentials(req(), q('u=only-user'))).message).toBe('unauthorized access');
  });

  it('accepts Token and Bearer (any case) on /api/v2', async () => {
    const { meta } = freshMeta();
    expect(await authenticate(meta.get(), v2Credentials(req('Bearer operator-token-0123456789')))).toMatchObject({ method: 'bearer' });
    expect(await authenticate(meta.get(), v2Credentials(req('token operator-token-0123456789')))).toMatchObject({ method: 'token' });
    expect((await rejectsAsync(() => authenticate(meta.get(), v2Credentials(req('Token nope-nope-nope-nope'))))).message).toBe('Unauthorized');
  });
});

describe('DBRP resolution (InfluxDB 2.x virtual and physical mappings)', () => {
  it('maps bucket db to db/autogen (default) and db/rp only with that rp', () => {
    const { meta, orgId, bucketId } = freshMeta();
    const weekly = newId();
    meta.update((s) => {
      s.buckets.push({ id: weekly, name: 'telegraf/weekly', orgId, retentionSeconds: 604800, createdAt: new Date().toISOString() });
    });
    const m = meta.get();
    expect(findMapping(m, orgId, 'telegraf', '')?.bucketId).toBe(bucketId);
    expect(findMapping(m, orgId, 'telegraf', 'autogen')?.bucketId).toBe(bucketId);
    expect(findMapping(m, orgId, 'telegraf', 'weekly')?.bucketId).toBe(weekly);
    expect(findMapping(m, orgId, 'telegraf', 'daily')).toBeUndefined();
    expect(findMapping(m, orgId, 'nope', '')).toBeUndefined();
    expect(findMapping(m, newId(), 'telegraf', '')).toBeUndefined();
  });

  it('lets a physical mapping override the virtual one and take the default', () => {
    const { meta, orgId, bucketId } = freshMeta();
    const other = newId();
    meta.update((s) => {
      s.buckets.push({ id: other, name: 'other', orgId, retentionSeconds: 0, createdAt: new Date().toISOString() });
      s.dbrps.push({ id: newId(), orgId, db: 'telegraf', rp: 'autogen', bucketId: other, default: true });
    });
    const m = meta.get();
    expect(findMapping(m, orgId, 'telegraf', '')?.bucketId).toBe(other);
    expect(mappings(m, orgId).filter((x) => x.db === 'telegraf')).toHaveLength(1);
    expect(bucketId).not.toBe(other);
  });
});

describe('access management (shared by the CLI and the data browser)', () => {
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof MetaError) return e;
      throw e;
    }
    throw new Error('expected a MetaError');
  };

  it('keeps one default mapping per db: the first, or one made default; deleting the default hands it on', () => {
    const { meta, orgId, bucketId } = freshMeta();
    const other = createBucket(meta, orgId, 'other', 0).id;
    const a = createDbrp(meta, { orgId, db: 'legacy', rp: 'a', bucketId });
    const b = createDbrp(meta, { orgId, db: 'legacy', rp: 'b', bucketId: other });
    expect([a.default, b.default]).toEqual([true, false]);
    const c = createDbrp(meta, { orgId, db: 'legacy', rp: 'c', bucketId, default: true });
    const defaults = () => meta.get().dbrps.filter((m) => m.db === 'legacy' && m.default).map((m) => m.rp);
    expect(c.default).toBe(true);
    expect(defaults()).toEqual(['c']);
    expect(findMapping(meta.get(), orgId, 'legacy', '')?.bucketId).toBe(bucketId);
    deleteDbrp(meta, c.id);
    expect(defaults()).toHaveLength(1);
    expect(refused(() => createDbrp(meta, { orgId, db: 'legacy', rp: 'a', bucketId })).message).toBe('a mapping for db "legacy" rp "a" already exists');
    expect(refused(() => createDbrp(meta, { orgId, db: ' ', rp: 'a', bucketId })).message).toBe('the database name must not be empty');
    expect(refused(() => createDbrp(meta, { orgId, db: 'x', rp: 'a', bucketId: '0000000000000000' }))).toBeInstanceOf(MetaNotFoundError);
    expect(refused(() => deleteDbrp(meta, c.id))).toBeInstanceOf(MetaNotFoundError);
  });

  it('stores v1 passwords and tokens hashed only, and refuses what could never sign in', () => {
    const { meta, orgId, bucketId } = freshMeta();
    const auth = createV1Auth(meta, { orgId, username: 'writer', password: 'pw-123', read: [], write: [bucketId] });
    expect(readFileSync(meta.file, 'utf8')).not.toContain('pw-123');
    expect(auth.passwordHash).toMatch(/^scrypt\$/);
    expect(refused(() => createV1Auth(meta, { orgId, username: 'writer', password: 'x', read: [], write: [bucketId] })).message).toBe('a v1 authorization for "writer" already exists');
    expect(refused(() => createV1Auth(meta, { orgId, username: 'a:b', password: 'x', read: [], write: [bucketId] })).message).toBe('the username "a:b" contains ":": choose a name without one');
    expect(refused(() => createV1Auth(meta, { orgId, username: 'c', password: '', read: [], write: [bucketId] })).message).toBe('the password must not be empty');
    deleteV1Auth(meta, auth.id);
    expect(meta.get().v1auths).toEqual([]);

    const { record, token } = createToken(meta, { orgId, description: 'ci', read: [bucketId], write: [bucketId] });
    expect(record.hash).toBe(hashToken(token));
    expect(readFileSync(meta.file, 'utf8')).not.toContain(token);
    expect(refused(() => createToken(meta, { orgId, description: APP_TOKEN_DESCRIPTION, read: '*', write: '*' })).message).toContain("the app's own token: choose another");
    expect(refused(() => createToken(meta, { orgId, description: 'x', read: ['0000000000000000'], write: [] }))).toBeInstanceOf(MetaNotFoundError);
  });

  it('never deletes the app token nor the last operator token', () => {
    const { meta, orgId } = freshMeta();
    meta.update((s) => s.tokens.push({ id: newId(), description: APP_TOKEN_DESCRIPTION, orgId, hash: hashToken('app-token-0123456789'), read: '*', write: '*' }));
    meta.update((s) => s.tokens.push({ id: newId(), description: DESKTOP_TOKEN_DESCRIPTION, orgId, hash: hashToken('desktop-token-0123456789'), read: '*', write: '*' }));
    const [operator, appToken, desktopToken] = meta.get().tokens;
    expect(refused(() => deleteToken(meta, appToken.id)).message).toContain('the token the app itself writes with');
    expect(refused(() => deleteToken(meta, desktopToken.id)).message).toContain('the token the app itself writes with');
    expect(refused(() => createToken(meta, { orgId, description: DESKTOP_TOKEN_DESCRIPTION, read: '*', write: '*' })).message).toContain("the app's own token: choose another");
    expect(refused(() => deleteToken(meta, operator.id)).message).toContain('this is the last operator token');
    const second = createToken(meta, { orgId, description: 'ops', read: '*', write: '*' }).record;
    deleteToken(meta, operator.id);
    expect(meta.get().tokens.map((t) => t.id)).toEqual([appToken.id, desktopToken.id, second.id]);
    expect(refused(() => deleteToken(meta, operator.id))).toBeInstanceOf(MetaNotFoundError);
  });
});
