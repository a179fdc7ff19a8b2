// Access management through the app API of a real `lpstudio serve` (browser mode) over HTTP:
// DBRP mappings, API tokens and v1 users take effect on real /write requests at once, secrets
// and hashes never leave the host, and refused inputs say what to do. Also the endpoint's settings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';

let app: RunningServer;
let cookie = '';

async function call(method: string, input: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/app-api/${method}`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(input) });
  return { status: res.status, body: await res.json() };
}

/** A /write as a client makes it; `auth` is the Authorization header (none when null). */
async function write(query: string, body: string, auth: string | null = `Token ${app.token}`): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.url}/write?${query}`, { method: 'POST', headers: auth === null ? {} : { Authorization: auth }, body });
  return { status: res.status, text: await res.text() };
}

async function newBucket(name: string): Promise<string> {
  const r = await call('createBucket', { name });
  expect(r.status).toBe(200);
  return r.body.id;
}

async function points(bucketId: string, measurement: string): Promise<number> {
  return (await call('readPoints', { bucketId, measurement, limit: 1000 })).body.points.length;
}

/** Every secret the data dir holds, as stored: token hashes and v1 password hashes. */
function storedHashes(): string[] {
  const meta = JSON.parse(readFileSync(path.join(app.dataDir, 'meta.json'), 'utf8')) as { tokens: { hash: string }[]; v1auths: { passwordHash: string }[] };
  return [...meta.tokens.map((t) => t.hash), ...meta.v1auths.map((a) => a.passwordHash)];
}

function expectNoSecrets(answer: unknown, secrets: string[]): void {
  const text = JSON.stringify(answer);
  for (const s of [...storedHashes(), ...secrets]) expect(text).not.toContain(s);
  expect(text).not.toMatch(/hash|scrypt\$|password/i);
}

beforeAll(async () => {
  app = await startServer({ args: ['--max-body', '2000000'] });
  const res = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
  cookie = res.headers.get('set-cookie')!.split(';')[0];
});

afterAll(cleanup);

describe('access management over the app API', () => {
  it('needs a session', async () => {
    const saved = cookie;
    cookie = '';
    for (const method of ['listDbrps', 'listTokens', 'listV1Users', 'endpointSettings']) {
      expect(await call(method, {})).toEqual({ status: 401, body: { code: 'unauthorized', message: 'sign in first' } });
    }
    cookie = saved;
  });

  it('DBRP mappings: created, listed with the virtual ones, used by /write at once, one default per db, deleted', async () => {
    const target = await newBucket('legacy-target');
    const archive = await newBucket('legacy-archive');
    expect((await write('db=legacy&rp=old', 'm v=1 1')).status).toBe(404);

    const created = await call('createDbrp', { db: 'legacy', rp: 'old', bucketId: target });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), db: 'legacy', rp: 'old', bucketId: target, bucketName: 'legacy-target', default: true });
    const list = (await call('listDbrps', {})).body;
    expect(list).toContainEqual(created.body);
    // Every bucket implies db/autogen; its ID is the bucket's, as InfluxDB lists virtual mappings.
    const defaultBucket = (await call('listBuckets', {})).body.find((b: { name: string }) => b.name === 'default').id;
    expect(list).toContainEqual({ id: defaultBucket, db: 'default', rp: 'autogen', bucketId: defaultBucket, bucketName: 'default', default: true, virtual: true });

    // Lands in the mapped bucket, by rp and as the db's default; an unmapped db is the server's 404.
    expect(await write('db=legacy&rp=old&precision=s', 'viadbrp v=1 1700000000')).toEqual({ status: 204, text: '' });
    expect((await write('db=legacy&precision=s', 'viadbrp v=2 1700000001')).status).toBe(204);
    expect(await points(target, 'viadbrp')).toBe(2);
    const unmapped = await write('db=nowhere', 'm v=1 1');
    expect(unmapped.status).toBe(404);
    expect(JSON.parse(unmapped.text)).toMatchObject({ code: 'not found', message: 'no dbrp mapping found' });

    // A second rp made the default takes the default from the first.
    const second = await call('createDbrp', { db: 'legacy', rp: 'archive', bucketId: archive, default: true });
    expect(second.body.default).toBe(true);
    const legacy = (await call('listDbrps', {})).body.filter((m: { db: string }) => m.db === 'legacy');
    expect(legacy.map((m: { rp: string; default: boolean }) => `${m.rp}:${m.default}`)).toEqual(['archive:true', 'old:false']);
    expect((await write('db=legacy&precision=s', 'viadbrp v=3 1700000002')).status).toBe(204);
    expect(await points(archive, 'viadbrp')).toBe(1);

    // Refused, with what to do.
    expect(await call('createDbrp', { db: 'legacy', rp: 'old', bucketId: archive })).toEqual({ status: 400, body: { code: 'invalid', message: 'a mapping for db "legacy" rp "old" already exists' } });
    expect(await call('createDbrp', { db: '', rp: 'old', bucketId: target })).toEqual({ status: 400, body: { code: 'invalid', message: 'invalid input for createDbrp: db: give a database name' } });
    expect(await call('createDbrp', { db: 'x', rp: 'a\nb', bucketId: target })).toEqual({
      status: 400,
      body: { code: 'invalid', message: 'invalid input for createDbrp: rp: a retention policy contains a control character: remove it' },
    });
    expect((await call('createDbrp', { db: 'x', rp: 'y', bucketId: '../../etc' })).body).toEqual({ code: 'invalid', message: 'invalid input for createDbrp: bucketId: an ID is 16 hexadecimal digits' });
    expect((await call('createDbrp', { db: 'x', rp: 'y', bucketId: target, extra: 1 })).status).toBe(400);
    expect(await call('createDbrp', { db: 'x', rp: 'y', bucketId: '0123456789abcdef' })).toEqual({ status: 404, body: { code: 'not-found', message: 'no bucket with ID 0123456789abcdef: it may have been deleted' } });
    const virtualDelete = await call('deleteDbrp', { id: defaultBucket });
    expect(virtualDelete.status).toBe(400);
    expect(virtualDelete.body.message).toBe('db "default" rp "autogen" comes from the name of bucket "default" (a virtual mapping): it goes away with the bucket, or map that db and rp elsewhere to override it');

    // Deleting the default hands it to the db's other mapping; deleting that one unmaps the db.
    expect(await call('deleteDbrp', { id: second.body.id })).toEqual({ status: 200, body: {} });
    expect((await call('listDbrps', {})).body.filter((m: { db: string }) => m.db === 'legacy')).toEqual([created.body]);
    expect((await call('deleteDbrp', { id: created.body.id })).status).toBe(200);
    expect((await write('db=legacy&rp=old', 'm v=1 1')).status).toBe(404);
    expect(await call('deleteDbrp', { id: created.body.id })).toEqual({ status: 404, body: { code: 'not-found', message: `no DBRP mapping with ID ${created.body.id}: it may have been deleted already` } });
  });

  it('tokens: a new one writes at once (its secret shown only in the answer), and is refused once deleted', async () => {
    const bucket = await newBucket('ci-bucket');
    const made = await call('createToken', { description: 'ci runner', write: bucket });
    expect(made.status).toBe(200);
    expect(made.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), description: 'ci runner', token: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/) });
    const token = made.body.token as string;

    const list = (await call('listTokens', {})).body;
    expect(list).toContainEqual({ id: made.body.id, description: 'ci runner', read: [bucket], write: [bucket], app: false });
    expect(list).toContainEqual(expect.objectContaining({ description: "admin's Token", read: '*', write: '*', app: false }));
    expect(list).toContainEqual(expect.objectContaining({ description: 'Line Protocol Studio app', app: true }));
    expectNoSecrets(list, [token, app.token]);

    expect((await write('db=ci-bucket', 'ci v=1', `Token ${token}`)).status).toBe(204);
    // Scoped to its bucket: another db is not even found for it (InfluxDB hides what a token cannot read).
    expect((await write('db=default', 'ci v=1', `Token ${token}`)).status).toBe(404);
    expect(await call('deleteToken', { id: made.body.id })).toEqual({ status: 200, body: {} });
    const refused = await write('db=ci-bucket', 'ci v=2', `Token ${token}`);
    expect(refused.status).toBe(401);
    expect(await points(bucket, 'ci')).toBe(1);

    // An operator token (all buckets) can sign in; deleting it is fine while another operator token is left.
    const ops = await call('createToken', { description: 'ops', write: 'all' });
    expect((await call('listTokens', {})).body).toContainEqual({ id: ops.body.id, description: 'ops', read: '*', write: '*', app: false });
    const signIn = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: ops.body.token }) });
    expect(signIn.status).toBe(200);
    expect((await call('deleteToken', { id: ops.body.id })).status).toBe(200);

    // Never the app's own token, nor the last operator token.
    const tokens = (await call('listTokens', {})).body as { id: string; description: string; app: boolean }[];
    const appToken = tokens.find((t) => t.app)!;
    expect(await call('deleteToken', { id: appToken.id })).toEqual({
      status: 400,
      body: { code: 'invalid', message: 'this is the token the app itself writes with while its endpoint runs (a new one replaces it at every start): it cannot be deleted' },
    });
    const operator = tokens.find((t) => t.description === "admin's Token")!;
    expect(await call('deleteToken', { id: operator.id })).toEqual({
      status: 400,
      body: { code: 'invalid', message: 'this is the last operator token: without one nobody can sign in or manage this endpoint; create another token with access to all buckets first' },
    });
    expect((await write('db=default', 'still v=1')).status).toBe(204);

    expect((await call('createToken', { description: '', write: 'all' })).body).toEqual({ code: 'invalid', message: 'invalid input for createToken: description: give a description' });
    expect((await call('createToken', { description: 'x'.repeat(256), write: 'all' })).body.message).toBe('invalid input for createToken: description: a description is longer than 255 characters: shorten it');
    expect((await call('createToken', { description: 'Line Protocol Studio app', write: 'all' })).body).toEqual({
      code: 'invalid',
      message: `"Line Protocol Studio app" is the description of the app's own token: choose another`,
    });
    expect((await call('createToken', { description: 'x', write: 'some' })).status).toBe(400);
    expect((await call('deleteToken', { id: made.body.id })).status).toBe(404);
  });

  it('v1 users: a new one writes with u and p at once, its password never listed, and is refused once deleted', async () => {
    const bucket = await newBucket('telegraf-v1');
    const made = await call('createV1User', { username: 'telegraf', password: 'pa55word-v1', writeBucketId: bucket });
    expect(made.status).toBe(200);
    expect(made.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), username: 'telegraf', read: [], write: [{ id: bucket, name: 'telegraf-v1' }] });
    const list = (await call('listV1Users', {})).body;
    expect(list).toEqual([made.body]);
    expectNoSecrets(list, ['pa55word-v1']);

    expect((await write('db=telegraf-v1&u=telegraf&p=pa55word-v1', 'cpu v=1', null)).status).toBe(204);
    expect((await write('db=telegraf-v1&u=telegraf&p=wrong', 'cpu v=1', null)).status).toBe(401);
    expect((await write('db=telegraf-v1', 'cpu v=2', `Basic ${Buffer.from('telegraf:pa55word-v1').toString('base64')}`)).status).toBe(204);
    expect(await points(bucket, 'cpu')).toBe(2);

    expect(await call('createV1User', { username: 'telegraf', password: 'other-pass', writeBucketId: bucket })).toEqual({
      status: 400,
      body: { code: 'invalid', message: 'a v1 authorization for "telegraf" already exists' },
    });
    expect((await call('createV1User', { username: 'a:b', password: 'p', writeBucketId: bucket })).body).toEqual({
      code: 'invalid',
      message: 'invalid input for createV1User: username: the username contains ":": choose a name without one',
    });
    expect((await call('createV1User', { username: 'u', password: '', writeBucketId: bucket })).body.message).toBe('invalid input for createV1User: password: give a password');
    expect((await call('createV1User', { username: 'u', password: 'p', writeBucketId: 'fedcba9876543210' })).status).toBe(404);

    expect(await call('deleteV1User', { id: made.body.id })).toEqual({ status: 200, body: {} });
    expect((await call('listV1Users', {})).body).toEqual([]);
    expect((await write('db=telegraf-v1&u=telegraf&p=pa55word-v1', 'cpu v=3', null)).status).toBe(401);
    expect(await points(bucket, 'cpu')).toBe(2);
    expect((await call('deleteV1User', { id: made.body.id })).body).toEqual({ code: 'not-found', message: `no v1 user with ID ${made.body.id}: it may have been deleted already` });
  });

  it('endpoint settings: the flags lpstudio serve runs with', async () => {
    expect(await call('endpointSettings', {})).toEqual({
      status: 200,
      body: { host: '127.0.0.1', port: app.port, maxBodyBytes: 2_000_000, autoCreateBuckets: false, dataDir: app.dataDir },
    });
    expect((await call('endpointSettings', { port: 1 })).status).toBe(400);
  });

  it('endpoint settings: the body limit and bucket auto-creation change at once, for the next requests', async () => {
    const big = Array.from({ length: 200 }, (_, i) => `limit v=${i} ${i + 1}`).join('\n'); // ~3.5 KB
    expect((await write('db=default', big)).status).toBe(204);
    expect((await write('db=fresh-db', 'fresh v=1 1')).status).toBe(404);
    const changed = await call('updateEndpointSettings', { maxBodyBytes: 2048, autoCreateBuckets: true });
    expect(changed.body).toEqual({ host: '127.0.0.1', port: app.port, maxBodyBytes: 2048, autoCreateBuckets: true, dataDir: app.dataDir });
    expect((await call('endpointSettings', {})).body).toMatchObject({ maxBodyBytes: 2048, autoCreateBuckets: true });
    const refused = await write('db=default', big);
    expect(refused.status).toBe(413);
    expect(refused.text).toContain('the limit is 2048 bytes after decompression');
    expect((await write('db=fresh-db', 'fresh v=1 1')).status).toBe(204);
    expect((await call('listBuckets', {})).body.map((b: { name: string }) => b.name)).toContain('fresh-db');
    expect((await call('updateEndpointSettings', { maxBodyBytes: 100 })).body).toEqual({ code: 'invalid', message: 'invalid input for updateEndpointSettings: maxBodyBytes: the body limit must be at least 1024 bytes' });
    expect((await call('updateEndpointSettings', { port: 9999 })).status).toBe(400);
    await call('updateEndpointSettings', { maxBodyBytes: 2_000_000, autoCreateBuckets: false });
    expect((await write('db=default', big)).status).toBe(204);
    expect((await write('db=other-new-db', 'fresh v=1 1')).status).toBe(404);
  });
});
