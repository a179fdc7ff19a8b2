// The control protocol's files calls (cli/endpoint-control.ts) with a real endpoint in this process:
// only FileJobsApi's methods, each with its exact arguments (absolute paths of the app's file
// types, IDs, an upload target's shape, bounded numbers); a malformed call gets an 'invalid'
// reply that never repeats a secret, before any file is opened; a valid one is answered by the
// controller's FileJobs in <dataDir>/app-uploads, and a refusal there keeps its AppError.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlHarness } from '../support/control.js';

const { posted, send } = controlHarness();

const files = (method: unknown, args: unknown) => send({ type: 'files', method, args });

const SECRET = 'a-secret-that-must-never-be-echoed';
const ID = '00000000-0000-0000-0000-000000000000';
let dataDir = '';
let file = '';
let url = '';

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-control-files-'));
  file = path.join(dataDir, 'data.lp');
  writeFileSync(file, 'cpu usage=1 1\ncpu usage=2 2\n');
  // Before the endpoint runs there is nothing to answer from.
  expect(await files('openPath', [file, 'data.lp', {}])).toMatchObject({ ok: false, code: 'unavailable', error: 'the endpoint is not running: start it, then open the file again' });
  const started = await send({ type: 'start', options: { dataDir, port: 0, token: 'control-files-token-0123456789' } });
  expect(started).toMatchObject({ ok: true, state: 'running' });
  url = String(started.url);
});

afterAll(async () => {
  await send({ type: 'stop' });
});

describe('control protocol: files calls', () => {
  it('refuses methods that are not FileJobsApi methods', async () => {
    for (const method of ['stage', 'close', 'add', 'constructor', '__proto__', 'toString', 42, undefined]) {
      const r = await files(method, []);
      expect(r, String(method)).toMatchObject({ ok: false, code: 'invalid', state: 'running' });
      expect(String(r.error)).toMatch(/^malformed control message: method: /);
    }
    const noArray = await files('status', { 0: ID });
    expect(noArray).toMatchObject({ ok: false, code: 'invalid' });
    expect(String(noArray.error)).toMatch(/^malformed control message: args: /);
    expect(existsSync(path.join(dataDir, 'app-uploads'))).toBe(false);
  });

  it('refuses wrong arguments before any file is opened, without repeating a secret', async () => {
    const target = { url: 'http://127.0.0.1:8086', api: 'v1', db: 'default', auth: { kind: 'token', token: SECRET } };
    const opts = { batchLines: 5000, skipInvalid: false };
    const refused: [string, unknown[], RegExp][] = [
      ['openPath', ['data.lp', 'data.lp', {}], /^invalid arguments for openPath: 0: give the file by its absolute path$/],
      ['openPath', ['../data.lp', 'data.lp', {}], /^invalid arguments for openPath: 0: give the file by its absolute path$/],
      ['openPath', ['/etc/passwd', 'passwd', {}], /^invalid arguments for openPath: 0: not a line-protocol file: open a \.lp, \.txt or \.gz file$/],
      ['openPath', ['/tmp/a\u0000.lp', 'a.lp', {}], /^invalid arguments for openPath: 0: the path contains a NUL character$/],
      ['openPath', [42, 'data.lp', {}], /^invalid arguments for openPath: 0: /],
      ['openPath', [file, '', {}], /^invalid arguments for openPath: 1: /],
      ['openPath', [file, 'data.lp'], /^invalid arguments for openPath: /],
      ['openPath', [file, 'data.lp', {}, 'extra'], /^invalid arguments for openPath: /],
      ['openPath', [file, 'data.lp', { precision: 'ps' }], /^invalid arguments for openPath: 2\.precision: /],
      ['openPath', [file, 'data.lp', { dialect: 'sql' }], /^invalid arguments for openPath: 2\.dialect: /],
      ['openPath', [file, 'data.lp', { staged: true }], /^invalid arguments for openPath: 2: /],
      ['status', ['../../etc'], /^invalid arguments for status: 0: /],
      ['status', [42], /^invalid arguments for status: 0: /],
      ['status', [ID, ID], /^invalid arguments for status: /],
      ['discard', [], /^invalid arguments for discard: /],
      ['uploadStatus', [{ uploadId: ID }], /^invalid arguments for uploadStatus: 0: /],
      ['cancelUpload', ['x'.repeat(36)], /^invalid arguments for cancelUpload: 0: /],
      ['startUpload', [ID, target, 'shown'], /^invalid arguments for startUpload: /],
      ['startUpload', [ID, { ...target, url: 'file:///etc/passwd' }, 'shown', opts], /^invalid arguments for startUpload: 1\.url: the URL must be http:\/\/ or https:\/\/$/],
      ['startUpload', [ID, { ...target, api: 'v3' }, 'shown', opts], /^invalid arguments for startUpload: 1\.api: /],
      ['startUpload', [ID, { ...target, headers: { 'X-Evil': '1' } }, 'shown', opts], /^invalid arguments for startUpload: 1: /],
      ['startUpload', [ID, { ...target, auth: { kind: 'oauth', token: SECRET } }, 'shown', opts], /^invalid arguments for startUpload: 1\.auth\.kind: /],
      ['startUpload', [ID, { ...target, auth: { kind: 'token', token: 42 } }, 'shown', opts], /^invalid arguments for startUpload: 1\.auth\.token: /],
      ['startUpload', [ID, { ...target, auth: { kind: 'basic', username: 'u' } }, 'shown', opts], /^invalid arguments for startUpload: 1\.auth\.password: /],
      ['startUpload', [ID, { ...target, auth: { kind: 'token', token: SECRET, password: SECRET } }, 'shown', opts], /^invalid arguments for startUpload: 1\.auth: /],
      ['startUpload', [ID, { ...target, db: 'x'.repeat(300) }, 'shown', opts], /^invalid arguments for startUpload: 1\.db: /],
      ['startUpload', [ID, target, 'shown', { ...opts, batchLines: 0 }], /^invalid arguments for startUpload: 3\.batchLines: /],
      ['startUpload', [ID, target, 'shown', { ...opts, batchLines: 1e9 }], /^invalid arguments for startUpload: 3\.batchLines: /],
      ['startUpload', [ID, target, 'shown', { ...opts, backoffMs: -1 }], /^invalid arguments for startUpload: 3\.backoffMs: /],
      ['startUpload', [ID, target, 'shown', { ...opts, skipInvalid: 'no' }], /^invalid arguments for startUpload: 3\.skipInvalid: /],
      ['startUpload', [ID, target, 'shown', { ...opts, concurrency: 4 }], /^invalid arguments for startUpload: 3: /],
    ];
    for (const [method, args, error] of refused) {
      const r = await files(method, args);
      expect(r, `${method} ${JSON.stringify(args)}`).toMatchObject({ ok: false, code: 'invalid', state: 'running' });
      expect(String(r.error), `${method} ${JSON.stringify(args)}`).toMatch(error);
      expect(String(r.error)).not.toContain(SECRET);
    }
    // Nothing was opened: the file jobs were not even made.
    expect(existsSync(path.join(dataDir, 'app-uploads'))).toBe(false);
  });

  it('answers valid calls from its FileJobs, keeping AppErrors, and stop closes them', async () => {
    expect(await files('status', [ID])).toMatchObject({ ok: false, code: 'not-found', error: 'that file is no longer open: drop it again', state: 'running' });
    expect(existsSync(path.join(dataDir, 'app-uploads'))).toBe(true);
    expect(await files('openPath', [path.join(dataDir, 'missing.lp'), 'missing.lp', {}])).toMatchObject({ ok: false, code: 'not-found', error: expect.stringMatching(/^cannot read "missing.lp": ENOENT/) });

    const opened = await files('openPath', [file, 'data.lp', { precision: 's', dialect: 'influxdb2' }]);
    expect(opened).toMatchObject({ ok: true, value: { name: 'data.lp', stage: 'summarizing' } });
    const fileId = (opened.value as { fileId: string }).fileId;
    await expect.poll(async () => ((await files('status', [fileId])).value as { stage: string }).stage, { timeout: 5000 }).toBe('ready');
    expect((await files('status', [fileId])).value).toMatchObject({ summary: { points: 2, errors: 0 } });

    // An upload the endpoint refuses (a wrong token) ends as failed, never repeating the token.
    const target = { url, api: 'v1', db: 'default', precision: 's', auth: { kind: 'token', token: SECRET } };
    const up = await files('startUpload', [fileId, target, `${url}/write?db=default`, { batchLines: 10, skipInvalid: false, backoffMs: 1 }]);
    expect(up).toMatchObject({ ok: true, value: { fileId, state: 'running' } });
    const uploadId = (up.value as { uploadId: string }).uploadId;
    await expect.poll(async () => ((await files('uploadStatus', [uploadId])).value as { state: string }).state, { timeout: 5000 }).toBe('failed');
    expect(JSON.stringify(posted)).not.toContain(SECRET);
    expect(await files('cancelUpload', [ID])).toMatchObject({ ok: false, code: 'not-found', error: 'no such upload: it may have ended long ago' });
    expect(await files('discard', [fileId])).toMatchObject({ ok: true });
    expect(await files('status', [fileId])).toMatchObject({ ok: false, code: 'not-found' });

    const again = await files('openPath', [file, 'data.lp', {}]);
    expect(again).toMatchObject({ ok: true });
    expect(await send({ type: 'stop' })).toMatchObject({ ok: true, state: 'stopped' });
    expect(await files('status', [(again.value as { fileId: string }).fileId])).toMatchObject({ ok: false, code: 'unavailable' });
    // Started again, it has forgotten the files of the last run.
    expect(await send({ type: 'start', options: { dataDir, port: 0 } })).toMatchObject({ ok: true, state: 'running' });
    expect(await files('status', [(again.value as { fileId: string }).fileId])).toMatchObject({ ok: false, code: 'not-found' });
  });
});
