// The control protocol's data calls (cli/endpoint-control.ts) with a real endpoint in this process:
// only LocalData's methods, each with its exact arguments as the app API validates them; a
// malformed call is refused with a clear 'invalid' reply before anything reads or changes the
// store, and a refusal inside the endpoint comes back with its AppError code and sentence
// without changing the endpoint's state.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlHarness } from '../support/control.js';

const { send } = controlHarness();

const data = (method: unknown, args: unknown) => send({ type: 'data', method, args });

let defaultId = '';

beforeAll(async () => {
  // Before the endpoint runs there is nothing to answer from.
  expect(await data('buckets', [])).toMatchObject({ ok: false, code: 'unavailable', error: 'the endpoint is not running: start it, then try again' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-control-data-'));
  expect(await send({ type: 'start', options: { dataDir, port: 0, token: 'control-data-token-0123456789' } })).toMatchObject({ ok: true, state: 'running' });
  const buckets = (await data('buckets', [])).value as { id: string; name: string }[];
  defaultId = buckets.find((b) => b.name === 'default')!.id;
});

afterAll(async () => {
  await send({ type: 'stop' });
});

describe('control protocol: data calls', () => {
  it('refuses methods that are not LocalData methods, naming the problem', async () => {
    for (const method of ['close', 'constructor', '__proto__', 'toString', 'meta', 42, undefined]) {
      const r = await data(method, []);
      expect(r).toMatchObject({ ok: false, code: 'invalid', state: 'running' });
      expect(String(r.error)).toMatch(/^malformed control message: method: /);
    }
    const noArray = await data('buckets', { 0: 'x' });
    expect(noArray).toMatchObject({ ok: false, code: 'invalid' });
    expect(String(noArray.error)).toMatch(/^malformed control message: args: /);
  });

  it('refuses wrong arguments before they reach the store', async () => {
    const before = { buckets: (await data('buckets', [])).value, tokens: (await data('tokens', [])).value, v1: (await data('v1Users', [])).value };
    const refused: [string, unknown[], RegExp][] = [
      ['createBucket', ['later'], /^invalid arguments for createBucket: Too small: expected array to have >=2 items$/],
      ['createBucket', [123, '0'], /^invalid arguments for createBucket: 0: /],
      ['createBucket', ['', '0'], /^invalid arguments for createBucket: 0: /],
      ['createBucket', ['later', '0', 'extra'], /^invalid arguments for createBucket: /],
      ['deleteBucket', [defaultId, 'extra'], /^invalid arguments for deleteBucket: /],
      ['deleteBucket', ['../../etc'], /^invalid arguments for deleteBucket: 0: /],
      ['deleteBucket', [], /^invalid arguments for deleteBucket: /],
      ['createToken', ['admin', '*'], /^invalid arguments for createToken: 1: /],
      ['createToken', ['bad\u0000description', 'all'], /^invalid arguments for createToken: 0: a description contains a control character: remove it$/],
      ['createV1User', ['a:b', 'password', defaultId], /^invalid arguments for createV1User: 0: the username contains ":"/],
      ['createDbrp', [{ db: 'db', rp: 'rp', bucketId: defaultId }], /^invalid arguments for createDbrp: 0\.default: /],
      ['createDbrp', [{ db: 'db', rp: 'rp', bucketId: defaultId, default: true, orgId: 'x' }], /^invalid arguments for createDbrp: 0: /],
      ['read', [{ bucketId: defaultId, measurement: 'cpu', limit: 100_000, offset: 0 }], /^invalid arguments for read: 0\.limit: /],
      ['read', [{ bucketId: defaultId, measurement: 'cpu', limit: 10, offset: 0, descending: false }], /^invalid arguments for read: 0: /],
      ['exportText', [{ bucketId: defaultId, measurement: 'cpu' }, 1e12], /^invalid arguments for exportText: 1: /],
      ['settings', ['x'], /^invalid arguments for settings: /],
    ];
    for (const [method, args, error] of refused) {
      const r = await data(method, args);
      expect(r, `${method} ${JSON.stringify(args)}`).toMatchObject({ ok: false, code: 'invalid', state: 'running' });
      expect(String(r.error), `${method} ${JSON.stringify(args)}`).toMatch(error);
    }
    // Nothing was created or deleted.
    expect({ buckets: (await data('buckets', [])).value, tokens: (await data('tokens', [])).value, v1: (await data('v1Users', [])).value }).toEqual(before);
  });

  it('answers valid calls, and a refusal in the endpoint keeps its AppError and leaves the endpoint running', async () => {
    expect(await data('createBucket', ['later', 'forever'])).toMatchObject({ ok: false, code: 'invalid', error: 'invalid retention "forever": use e.g. 30d, 72h, 1w2d or 0 for infinite', state: 'running' });
    expect(await data('deleteToken', ['0123456789abcdef'])).toMatchObject({ ok: false, code: 'not-found', error: expect.stringMatching(/^no token with ID 0123456789abcdef/) });
    expect(await send({ type: 'status' })).toMatchObject({ ok: true, state: 'running' });

    const created = await data('createBucket', ['later', '72h']);
    expect(created).toMatchObject({ ok: true, value: { name: 'later', retentionSeconds: 72 * 3600 } });
    expect(await data('measurements', [(created.value as { id: string }).id])).toMatchObject({ ok: true, value: [] });
    expect(await data('deleteBucket', [(created.value as { id: string }).id])).toMatchObject({ ok: true });
    expect(((await data('buckets', [])).value as { name: string }[]).map((b) => b.name)).toEqual(['default']);
    expect(await data('settings', [])).toMatchObject({ ok: true, value: { host: '127.0.0.1', autoCreateBuckets: false } });
  });
});
