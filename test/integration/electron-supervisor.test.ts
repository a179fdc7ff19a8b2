// The desktop's endpoint supervisor with a real endpoint process (a Node fork of
// dist/cli/endpoint-host.js, speaking the same messages as Electron's utilityProcess): it starts the
// endpoint, restarts it after the process is killed, and stops it; the data browser, the
// request inspector and the dropped files' jobs (summaries and uploads in the endpoint's
// process) through it, as electron/main.ts wires them into the app service.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../app/contract.js';
import { createAppService } from '../../app/service.js';
import { EndpointSupervisor, type EndpointChild } from '../../electron/endpoint-supervisor.js';
import { parse } from '../../lineprotocol/parse.js';
import { startEndpoint } from '../../server/endpoint.js';
import { createLocalData } from '../../cli/local-data.js';
import { repoRoot } from '../support/shared.js';

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

function spawnHost(): EndpointChild {
  const c = fork(path.join(repoRoot, 'dist/cli/endpoint-host.js'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  children.push(c);
  return {
    postMessage: (m) => c.send(m as object),
    onMessage: (fn) => c.on('message', fn),
    onExit: (fn) => c.on('exit', (code) => fn(code)),
    kill: () => c.kill(),
  };
}

/** The AppError `f` throws or rejects with. */
async function refusal(f: () => unknown): Promise<AppError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

async function ping(url: string): Promise<number> {
  return (await fetch(`${url}/ping`)).status;
}

describe('endpoint supervisor', () => {
  it('starts the endpoint, restarts it when its process dies, and stops it', async () => {
    const states: string[] = [];
    const sup = new EndpointSupervisor({
      spawn: spawnHost,
      dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')),
      port: 0,
      backoffMs: [100],
      onStatus: (s) => states.push(s.state),
    });
    const first = await sup.start();
    expect(first.state).toBe('running');
    expect(await ping(first.url!)).toBe(204);

    children.at(-1)!.kill('SIGKILL');
    await expect.poll(() => sup.restartCount, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => sup.status().state, { timeout: 10_000 }).toBe('running');
    expect(await ping(sup.status().url!)).toBe(204);
    expect(states).toEqual(['starting', 'running', 'error', 'starting', 'running']);

    const second = sup.status().url!;
    await sup.stop();
    expect(sup.status().state).toBe('stopped');
    await expect(ping(second)).rejects.toThrow();
  });

  it('starts one process however often it is asked, and a refused start is an error without a restart loop', async () => {
    const before = children.length;
    const sup = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')), port: 0, backoffMs: [50] });
    const [a, b] = await Promise.all([sup.start(), sup.start()]);
    expect(a.state).toBe('running');
    expect(b).toEqual(a);
    expect((await sup.start()).url).toBe(a.url);
    expect(children.length - before).toBe(1);
    await sup.stop();

    // The port is taken: the endpoint cannot start; its process goes and is not restarted.
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')), port, backoffMs: [50] });
      const s = await taken.start();
      expect(s.state).toBe('error');
      expect(s.error).toMatch(/EADDRINUSE|in use/i);
      const spawned = children.length;
      await expect.poll(() => children.at(-1)!.exitCode !== null || children.at(-1)!.signalCode !== null, { timeout: 5000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(children.length).toBe(spawned);
      expect(taken.restartCount).toBe(0);
      expect(taken.status().state).toBe('error');
      await taken.stop();
      expect(taken.status().state).toBe('stopped');
    } finally {
      blocker.close();
    }
  });

  it('answers the data browser and the request inspector from the endpoint process', async () => {
    const sup = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')), port: 0 });
    // Asked while it starts: the call waits for the endpoint instead of failing.
    const [started, early] = await Promise.all([sup.start(), sup.data.buckets()]);
    expect(started.state).toBe('running');
    const url = started.url!;
    expect(early.map((b) => b.name)).toContain('default');
    try {
      const bucket = (await sup.data.buckets()).find((b) => b.name === 'default')!;
      const { token } = await sup.data.createToken('supervisor test', 'all');
      const body = ['cpu,host=a usage=1.5,count=3i,ok=true,note="x y" 1700000000000000000', 'cpu,host=b usage=2.5,count=4i,ok=false,note="z" 1700000000000000001', ''].join('\n');
      const write = await fetch(`${url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${token}` }, body });
      expect(write.status).toBe(204);

      const [m] = await sup.data.measurements(bucket.id);
      expect({ ...m, fields: [...m.fields].sort((a, b) => a.key.localeCompare(b.key)) }).toEqual({
        measurement: 'cpu',
        series: 2,
        tagKeys: ['host'],
        fields: [
          { key: 'count', type: 'int' },
          { key: 'note', type: 'string' },
          { key: 'ok', type: 'bool' },
          { key: 'usage', type: 'float' },
        ],
      });

      const points = await sup.data.read({ bucketId: bucket.id, measurement: 'cpu', limit: 10, offset: 0 });
      expect(points.map((p) => [p.time, p.tags])).toEqual([
        ['1700000000000000001', [{ key: 'host', value: 'b' }]],
        ['1700000000000000000', [{ key: 'host', value: 'a' }]],
      ]);
      expect(await sup.data.series(bucket.id, 'cpu', 1000)).toEqual({ series: ['cpu,host=a', 'cpu,host=b'], total: 2 });
      expect(await sup.data.series(bucket.id, 'cpu', 1)).toEqual({ series: ['cpu,host=a'], total: 2 });
      const one = await sup.data.read({ bucketId: bucket.id, measurement: 'cpu', series: 'cpu,host=b', limit: 10, offset: 0 });
      expect(one.map((p) => p.time)).toEqual(['1700000000000000001']);

      const exported = await sup.data.exportText({ bucketId: bucket.id, measurement: 'cpu' }, 1024 * 1024);
      expect(exported).toMatchObject({ points: 2, truncated: false });
      const back = parse(exported.text);
      expect(back.errors).toEqual([]);
      expect(back.points.map((p) => [p.series, p.time, p.fields.find((f) => f.key === 'note')?.value])).toEqual([
        ['cpu,host=a', '1700000000000000000', 'x y'],
        ['cpu,host=b', '1700000000000000001', 'z'],
      ]);

      // A refusal in the endpoint process arrives as the same AppError browser mode gives.
      const browser = await startEndpoint({ dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-browser-')), port: 0, log: () => {} });
      const expected = await refusal(() => createLocalData(browser).createBucket('later', 'forever')).finally(() => browser.close());
      expect(expected).toMatchObject({ code: 'invalid', message: expect.stringMatching(/^invalid retention "forever"/) });
      const refused = await refusal(() => sup.data.createBucket('later', 'forever'));
      expect([refused.code, refused.message]).toEqual([expected.code, expected.message]);
      await expect(sup.data.deleteToken('0123456789abcdef')).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/^no token with ID 0123456789abcdef/) });

      await expect.poll(() => sup.requests().find((e) => e.path === '/write')?.status, { timeout: 5000 }).toBe(204);
      expect(sup.requests().find((e) => e.path === '/write')).toMatchObject({ method: 'POST', db: 'default', points: 2, lines: 2 });

      // The app service as electron/main.ts creates it: the same answers through the app API.
      const service = createAppService({
        mode: 'desktop',
        version: '0.0.0',
        dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-app-')),
        profiles: { protection: async () => ({ protected: true, backend: 'test' }), list: () => [], save: async () => Promise.reject(new Error('unused')), remove: () => {}, secret: async () => undefined },
        endpoint: { status: () => sup.status(), token: () => token, databases: async () => [], data: sup.data, requests: () => sup.requests() },
      });
      expect((await service.listBuckets({})).map((b) => b.name)).toContain('default');
      expect(await service.readPoints({ bucketId: bucket.id, measurement: 'cpu', limit: 1, offset: 0 })).toMatchObject({ points: [{ time: '1700000000000000001' }], more: true });
      await expect(service.createBucket({ name: 'later', retention: 'forever' })).rejects.toMatchObject({ code: 'invalid', message: expected.message });
      await expect(service.describeMeasurements({ bucketId: '0123456789abcdef' })).rejects.toMatchObject({ code: 'not-found' });
      expect((await service.listRequests({ status: '2xx' })).find((e) => e.path === '/write')).toMatchObject({ status: 204 });
    } finally {
      await sup.stop();
    }
    await expect(sup.data.buckets()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^the endpoint is not running: start it/) });
  });

  it('opens, summarizes and uploads dropped files in the endpoint process', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-files-'));
    const file = path.join(dir, 'weather.lp');
    writeFileSync(file, 'weather,city=oslo temp=1.5 1700000000\nweather,city=rome temp=20.5 1700000001\nweather,city=oslo temp=2.5 1700000002\n');
    const sup = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')), port: 0 });
    await expect(sup.files.status('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'unavailable',
      message: 'the endpoint is not running: start the endpoint from the tray to open files (they are read and uploaded in its process)',
    });
    const url = (await sup.start()).url!;
    try {
      const opened = await sup.files.openPath(file, 'weather.lp', { precision: 's' });
      expect(opened).toMatchObject({ name: 'weather.lp', stage: 'summarizing' });
      await expect.poll(async () => (await sup.files.status(opened.fileId)).stage, { timeout: 10_000 }).toBe('ready');
      expect((await sup.files.status(opened.fileId)).summary).toMatchObject({ lines: 3, points: 3, errors: 0, measurements: ['weather'], minTime: '1700000000000000000' });

      const { token } = await sup.data.createToken('files test', 'all');
      const started = await sup.files.startUpload(opened.fileId, { url, api: 'v1', db: 'default', precision: 's', auth: { kind: 'token', token } }, `${url}/write?db=default`, { batchLines: 2, skipInvalid: false, backoffMs: 10 });
      expect(started).toMatchObject({ fileId: opened.fileId, target: `${url}/write?db=default` });
      await expect.poll(async () => (await sup.files.uploadStatus(started.uploadId)).state, { timeout: 10_000 }).toBe('done');
      expect(await sup.files.uploadStatus(started.uploadId)).toMatchObject({ progress: { pointsWritten: 3 }, report: { pointsWritten: 3, batchesSent: 2, batchesFailed: 0 } });
      const bucket = (await sup.data.buckets()).find((b) => b.name === 'default')!;
      expect((await sup.data.series(bucket.id, 'weather', 10)).series).toEqual(['weather,city=oslo', 'weather,city=rome']);

      // Refusals arrive as the AppErrors FileJobs throws, with their sentences.
      await expect(sup.files.cancelUpload('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'not-found', message: 'no such upload: it may have ended long ago' });
      await expect(sup.files.openPath(path.join(dir, 'missing.lp'), 'missing.lp', {})).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/^cannot read "missing.lp": ENOENT/) });
      await expect(sup.files.openPath('weather.lp', 'weather.lp', {})).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/absolute path/) });
      await sup.files.discard(opened.fileId);
      await expect(sup.files.status(opened.fileId)).rejects.toMatchObject({ code: 'not-found', message: 'that file is no longer open: drop it again' });

      // The app service as electron/main.ts creates it: openFile → fileStatus → startUpload to this app's endpoint.
      const service = createAppService({
        mode: 'desktop',
        version: '0.0.0',
        dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-app-')),
        profiles: { protection: async () => ({ protected: true, backend: 'test' }), list: () => [], save: async () => Promise.reject(new Error('unused')), remove: () => {}, secret: async () => undefined },
        endpoint: { status: () => sup.status(), token: () => token, databases: async () => [], data: sup.data, requests: () => sup.requests() },
        files: sup.files,
        uploadBackoffMs: 10,
      });
      const f = await service.openFile({ path: file, precision: 's', dialect: 'influxdb2' });
      await expect.poll(async () => (await service.fileStatus({ fileId: f.fileId })).stage, { timeout: 10_000 }).toBe('ready');
      expect((await service.fileStatus({ fileId: f.fileId })).summary).toMatchObject({ points: 3 });
      const u = await service.startUpload({ profileId: 'local', db: 'default', precision: 's', fileId: f.fileId, batchLines: 5000, skipInvalid: false, dialect: 'influxdb2' });
      expect(u.target).toBe(`${url}/write?db=default&precision=s`);
      await expect.poll(async () => (await service.uploadStatus({ uploadId: u.uploadId })).state, { timeout: 10_000 }).not.toBe('running');
      expect(await service.uploadStatus({ uploadId: u.uploadId })).toMatchObject({ state: 'done', report: { pointsWritten: 3, batchesSent: 1 } });
      await expect(service.cancelUpload({ uploadId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: 'not-found' });
      expect(await service.discardFile({ fileId: f.fileId })).toEqual({});
    } finally {
      await sup.stop();
    }
  });

  it("gets the tray's write-only token from the endpoint process, once, and the same one after a restart", async () => {
    const sup = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-tray-')), port: 0, backoffMs: [50] });
    await expect(sup.trayToken()).rejects.toMatchObject({ code: 'unavailable' });
    const { url } = await sup.start();
    const token = await sup.trayToken();
    expect(await sup.trayToken()).toBe(token);
    const write = await fetch(`${url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${token}` }, body: 'tray v=1 1700000000000000000' });
    expect(write.status).toBe(204);
    // It has no access beyond writing to "default": it cannot manage, or sign in anywhere.
    const list = await sup.data.tokens();
    expect(list.filter((t) => t.description === 'Tray: write-only token for bucket default')).toEqual([expect.objectContaining({ read: [], app: false })]);
    await sup.stop();
    await sup.start();
    expect(await sup.trayToken()).toBe(token);
    expect((await sup.data.tokens()).filter((t) => t.description === 'Tray: write-only token for bucket default')).toHaveLength(1);
    await sup.stop();
  });
});
