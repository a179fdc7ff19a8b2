// The desktop's way of opening a dropped file: the app service as Electron's main process runs
// it (mode 'desktop'), given the file's path by the preload, reading it from disk and uploading
// it to a real `lpstudio serve` — to this app's endpoint with its token, and to a saved 2.x
// connection. What a renderer may not make it open (relative paths, other file types,
// directories, missing files) is refused with a sentence; the user's file is never deleted.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, parseCall, type AppHandlers, type AppMethod } from '../../app/contract.js';
import { FileProfileStore } from '../../app/file-profiles.js';
import { createAppService } from '../../app/service.js';
import { cleanup, makeTempDir, pt, float, readBucket, startServer, type RunningServer } from '../support/serve.js';

let server: RunningServer;
let svc: AppHandlers;
let dir: string;

async function call<M extends AppMethod>(method: M, input: unknown): Promise<any> {
  const c = parseCall<M>(method, input);
  return (svc[c.method] as (i: unknown) => Promise<unknown>)(c.input);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a refusal');
}

async function until(method: 'fileStatus' | 'uploadStatus', input: object, done: (v: any) => boolean): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const v = await call(method, input);
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${method} did not finish`);
}

beforeAll(async () => {
  server = await startServer();
  dir = makeTempDir('lpstudio-desktop-files-');
  svc = createAppService({
    mode: 'desktop',
    version: 'test',
    dataDir: path.join(dir, 'app'),
    profiles: new FileProfileStore(path.join(dir, 'app')),
    endpoint: { status: () => ({ state: 'running', url: server.url }), token: () => server.token, databases: async () => [] },
    uploadBackoffMs: 10,
  });
});

afterAll(cleanup);

describe('desktop: files opened by path', () => {
  it('refuses relative paths, other file types, directories and missing files', async () => {
    expect(await refusal(call('openFile', { path: 'data.lp' }))).toBe('invalid: give the file by its absolute path');
    expect(await refusal(call('openFile', { path: '/etc/passwd' }))).toBe('invalid: "passwd" is not a line-protocol file: open a .lp, .txt or .gz file');
    mkdirSync(path.join(dir, 'folder.lp'));
    expect(await refusal(call('openFile', { path: path.join(dir, 'folder.lp') }))).toBe('invalid: "folder.lp" is not a file');
    expect(await refusal(call('openFile', { path: path.join(dir, 'missing.lp') }))).toMatch(/^not-found: cannot read "missing.lp": ENOENT/);
  });

  it('summarizes the file from disk and uploads it to this app endpoint and to a saved 2.x connection; the file stays', async () => {
    const file = path.join(dir, 'weather.txt');
    const text = 'weather,city=oslo temp=1.5 1700000000\nweather,city=rome temp=20.5 1700000001\n';
    writeFileSync(file, text);
    const opened = await call('openFile', { path: file, precision: 's' });
    expect(opened).toMatchObject({ name: 'weather.txt', size: text.length });
    const f = await until('fileStatus', { fileId: opened.fileId }, (s) => s.stage !== 'summarizing');
    expect(f.summary).toMatchObject({ lines: 2, points: 2, errors: 0, warnings: 0, measurements: ['weather'], minTime: '1700000000000000000', maxTime: '1700000001000000000' });

    const local = await call('startUpload', { profileId: 'local', db: 'default', precision: 's', fileId: f.fileId });
    expect(local.target).toBe(`${server.url}/write?db=default&precision=s`);
    const done = await until('uploadStatus', { uploadId: local.uploadId }, (u) => u.state !== 'running');
    expect(done).toMatchObject({ state: 'done', report: { pointsWritten: 2, batchesSent: 1, cancelled: false } });

    await call('saveProfile', { id: 'cloud-like', name: 'v2', url: server.url, kind: 'influxdb2', org: 'lpstudio', bucket: 'copy', precision: 's', auth: 'token', secret: server.token, allowUnprotected: true });
    const missing = await until('uploadStatus', { uploadId: (await call('startUpload', { profileId: 'cloud-like', org: 'lpstudio', bucket: 'copy', precision: 's', fileId: f.fileId })).uploadId }, (u) => u.state !== 'running');
    expect(missing.state).toBe('failed');
    expect(missing.report.stopped).toMatch(/^stopped after the server answered 404 bucket "copy" not found/);
    expect(await refusal(call('startUpload', { profileId: 'cloud-like', org: 'lpstudio', bucket: 'copy', precision: 'm', fileId: f.fileId }))).toBe(
      'invalid: /api/v2/write takes precision ns, us, ms or s, not m: pick one of those (or use a 1.x /write target)',
    );
    const v2 = await until('uploadStatus', { uploadId: (await call('startUpload', { profileId: 'cloud-like', org: 'lpstudio', bucket: 'default', precision: 'ms', fileId: f.fileId })).uploadId }, (u) => u.state !== 'running');
    expect(v2.target).toBe(`${server.url}/api/v2/write?org=lpstudio&bucket=default&precision=ms`);
    expect(v2).toMatchObject({ state: 'done', report: { pointsWritten: 2 } });

    await call('discardFile', { fileId: f.fileId });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(existsSync(path.join(dir, 'app', 'uploads'))).toBe(true);
    await server.stop();
    const stored = await readBucket(server.dataDir, 'default');
    // The seconds as written, and the same numbers read as milliseconds through the 2.x connection.
    expect(stored.sort((a, b) => (BigInt(a.time) < BigInt(b.time) ? -1 : 1))).toEqual([
      pt('weather', { city: 'oslo' }, { temp: float(1.5) }, '1700000000000000'),
      pt('weather', { city: 'rome' }, { temp: float(20.5) }, '1700000001000000'),
      pt('weather', { city: 'oslo' }, { temp: float(1.5) }, '1700000000000000000'),
      pt('weather', { city: 'rome' }, { temp: float(20.5) }, '1700000001000000000'),
    ]);
  });
});
