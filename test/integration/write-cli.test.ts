// `lpstudio write` and the uploader against a real `lpstudio serve` child: everything valid is
// stored exactly once, bad lines are reported with their file line numbers, retries after 503
// never duplicate a batch, and a cancel leaves exactly the acknowledged batches stored.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../../app/upload/uploader.js';
import { cleanup, LPSTUDIO_BIN, makeTempDir, prepareDataDir, readBucket, startServer, type RunningServer } from '../support/serve.js';

let srv: RunningServer;
const dir = makeTempDir('lpstudio-write-');
const N = 50_000;
const BAD = new Set([7, 12_345, 40_001]);

/** N lines, unique series and time per line, with bad lines at BAD. */
function makeFile(): string {
  const lines: string[] = [];
  for (let i = 1; i <= N; i++) lines.push(BAD.has(i) ? `broken line ${i}` : `load,host=h${i % 97},line=${i} v=${i}i ${1_700_000_000_000_000_000 + i}`);
  const file = path.join(dir, 'load.lp');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LPSTUDIO_BIN, 'write', ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let file: string;
/** Points the cancelled upload reported written (checked against the store at the end). */
let cancelledWritten = 0;

beforeAll(async () => {
  const r = await prepareDataDir([
    ['bucket', 'create', '--name', 'a'],
    ['bucket', 'create', '--name', 'b'],
    ['bucket', 'create', '--name', 'c'],
    ['bucket', 'create', '--name', 'd'],
    ['bucket', 'create', '--name', 'e'],
    ['bucket', 'create', '--name', 'f'],
    ['bucket', 'create', '--name', 'g'],
    ['bucket', 'create', '--name', 'h'],
    ['bucket', 'create', '--name', 'k'],
    ['v1', 'auth', 'create', '--username', 'loader', '--password', 'loader-pass', '--write-bucket', 'c'],
  ]);
  srv = await startServer({ dataDir: r.dataDir, token: r.token });
  file = makeFile();
});

afterAll(cleanup);

const lineNo = (p: { tags: Record<string, string> }) => Number(p.tags.line);

describe('lpstudio write', () => {
  it('--skip-invalid: every valid line stored once, the bad ones reported with file line numbers, exit 1', async () => {
    const r = await cli([file, '--url', srv.url, '--db', 'a', '--token', srv.token, '--skip-invalid']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`done: ${(N - 3).toLocaleString('en')} points written in 10 batches`);
    expect(r.stdout).toContain('3 invalid lines skipped (--skip-invalid):');
    for (const n of BAD) expect(r.stdout).toContain(`  line ${n}:`);
  });

  it('without --skip-invalid the batches holding bad lines are refused and reported; gzip off; basic auth; 2.x target', async () => {
    const r = await cli([file, '--url', srv.url, '--db', 'c', '--username', 'loader', '--password', 'loader-pass', '--no-gzip', '--batch', '10000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 lines rejected by the server:');
    expect(r.stdout).toContain("  line 7: unable to parse 'broken line 7'");
    expect(r.stdout).toContain("  line 12345: unable to parse 'broken line 12345'");
    expect(r.stdout).toContain('3 batches not written:');
    const v2 = await cli([file, '--url', srv.url, '--org', 'lpstudio', '--bucket', 'd', '--skip-invalid'], { LPSTUDIO_TOKEN: srv.token });
    expect(v2.stdout).toContain(`done: ${(N - 3).toLocaleString('en')} points written`);
    const bad = await cli([file, '--url', srv.url, '--db', 'a', '--token', 'not-a-token-0123456789', '--concurrency', '1']);
    expect(bad.stdout).toContain('stopped after the server answered 401 Unauthorized: nothing more was sent');
    expect(bad.stdout).toContain('1 batches not written');
    const usage = await cli([file, '--url', srv.url]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('name the target: --db DB (1.x /write) or --org ORG --bucket B (2.x)');
    const conc = await cli([file, '--url', srv.url, '--db', 'a', '--concurrency', '5']);
    expect(conc.code).toBe(2);
    expect(conc.stderr).toContain('--concurrency must be 1, 2, 3 or 4, not "5"');
  });

  it('Ctrl+C: the batch in flight finishes, nothing more is sent, the report says exactly what was stored', async () => {
    // A forwarding server that, on the third batch, interrupts the CLI and forwards only once the
    // CLI has said it is cancelling: so the cancel lands while batch 3 is in flight.
    let n = 0;
    let cancelling: () => void = () => {};
    const saidCancelling = new Promise<void>((r) => (cancelling = r));
    let interrupt: () => void = () => {};
    const fwd = createServer(async (req, res) => {
      if (++n === 3) {
        interrupt();
        await saidCancelling;
      }
      const up = request(new URL(req.url!, srv.url), { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => fwd.listen(0, '127.0.0.1', () => r()));
    const fwdUrl = `http://127.0.0.1:${(fwd.address() as AddressInfo).port}`;
    const real = spawn(process.execPath, [LPSTUDIO_BIN, 'write', file, '--url', fwdUrl, '--db', 'h', '--token', srv.token, '--skip-invalid', '--concurrency', '1'], { stdio: 'pipe' });
    interrupt = () => real.kill('SIGINT');
    let stdout = '';
    let stderr = '';
    real.stdout.on('data', (d) => (stdout += d));
    real.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('cancelling:')) cancelling();
    });
    const code = await new Promise<number | null>((r) => real.on('close', r));
    fwd.close();
    expect(code).toBe(1);
    expect(n).toBe(3);
    expect(stderr).toContain('cancelling: the batches in flight finish, nothing more is sent');
    expect(stdout).toContain('cancelled: 15,000 points written in 3 batches');
    expect(stdout).toContain('acknowledged by the server (stored; not to be sent again):\n  batches 1-3: file lines 1-15002\n');
  });

  it('keeps two requests in flight by default, one with --concurrency 1', async () => {
    const peak = async (extra: string[]) => {
      let now = 0;
      let max = 0;
      const fwd = createServer((req, res) => {
        max = Math.max(max, ++now);
        const up = request(new URL(req.url!, srv.url), { method: req.method, headers: req.headers }, (r) => {
          // Held a moment, so a second request has the time to start if the uploader sends one.
          setTimeout(() => {
            now--;
            res.writeHead(r.statusCode!, r.headers);
            r.pipe(res);
          }, 30);
        });
        req.pipe(up);
      });
      await new Promise<void>((r) => fwd.listen(0, '127.0.0.1', () => r()));
      const r = await cli([file, '--url', `http://127.0.0.1:${(fwd.address() as AddressInfo).port}`, '--db', 'k', '--token', srv.token, '--skip-invalid', ...extra]);
      fwd.close();
      expect(r.stdout).toContain(`done: ${(N - 3).toLocaleString('en')} points written in 10 batches`);
      return max;
    };
    expect(await peak([])).toBe(2);
    expect(await peak(['--concurrency', '1'])).toBe(1);
  });

  it('reads .gz files', async () => {
    const gz = path.join(dir, 'small.lp.gz');
    writeFileSync(gz, gzipSync('gz,k=1 v=1 1\ngz,k=2 v=2 2\n'));
    const r = await cli([gz, '--url', srv.url, '--db', 'e', '--token', srv.token]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain('done: 2 points written in 1 batches');
  });
});

describe('uploader', () => {
  let proxy: Server;
  let proxyUrl = '';
  let refused = 0;
  const seen: number[] = [];

  beforeAll(async () => {
    // A real HTTP server in front of the endpoint: every third request gets 503 (Retry-After 0),
    // every seventh 429 and every eleventh has its connection cut; the others are forwarded.
    let n = 0;
    proxy = createServer((req, res) => {
      n++;
      if (n % 3 === 0 || n % 7 === 0) {
        refused++;
        req.resume();
        res.writeHead(n % 3 === 0 ? 503 : 429, { 'Retry-After': '0' }).end('busy');
        return;
      }
      if (n % 11 === 0) {
        refused++;
        req.socket.destroy();
        return;
      }
      const target = new URL(req.url!, srv.url);
      const fwd = request(target, { method: req.method, headers: req.headers }, (up) => {
        seen.push(up.statusCode!);
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      });
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => proxy.close());

  async function* lines(from: number, to: number) {
    for (let i = from; i <= to; i += 1000) {
      const chunk: string[] = [];
      for (let j = i; j < Math.min(i + 1000, to + 1); j++) chunk.push(`up,line=${j} v=${j}i ${j}`);
      yield Buffer.from(chunk.join('\n') + '\n');
    }
  }

  it('retries 503s, 429s and cut connections with backoff and never writes a batch twice', async () => {
    let retries = 0;
    const report = await upload(lines(1, 20_000), { url: proxyUrl, api: 'v1', db: 'b', auth: { kind: 'token', token: srv.token } }, {
      batchLines: 1000,
      backoffMs: 5,
      onProgress: (p) => (retries = p.retries),
    });
    expect(refused).toBeGreaterThanOrEqual(8);
    expect(report).toMatchObject({ pointsWritten: 20_000, batchesSent: 20, batchesFailed: 0, cancelled: false });
    expect(retries).toBe(refused);
    expect(report.batchesRetried).toBeGreaterThan(0);
    expect(report.batchesRetried).toBeLessThanOrEqual(refused);
    expect(report.acknowledged).toEqual([{ fromBatch: 1, toBatch: 20, fromLine: 1, toLine: 20_000 }]);
    expect(seen.filter((s) => s === 204)).toHaveLength(20);
  });

  it('two requests in flight through the same troubles: everything once', async () => {
    const before = seen.length;
    const report = await upload(lines(1, 30_000), { url: proxyUrl, api: 'v2', org: 'lpstudio', bucket: 'f', auth: { kind: 'token', token: srv.token } }, {
      batchLines: 1000,
      backoffMs: 1,
      concurrency: 2,
      // Two requests share the proxy's trouble pattern, so one batch can meet several troubles in a
      // row; enough attempts that only a never-ending run of them could fail it.
      maxAttempts: 40,
    });
    expect(report).toMatchObject({ pointsWritten: 30_000, batchesSent: 30, batchesFailed: 0, cancelled: false });
    expect(report.acknowledged).toEqual([{ fromBatch: 1, toBatch: 30, fromLine: 1, toLine: 30_000 }]);
    expect(seen.slice(before).filter((s) => s === 204)).toHaveLength(30);
  });

  it('a 422 partial write is acknowledged (not re-sent) and its dropped point reported at its own file line', async () => {
    async function* src() {
      yield Buffer.from('tc,k=1 v=1i 1\ntc,k=2 v=2i 2\n');
      yield Buffer.from('tc,k=3 v=3i 3\ntc,k=4 v="text" 4\ntc,k=5 v=5i 5\n');
    }
    const report = await upload(src(), { url: srv.url, api: 'v1', db: 'g', auth: { kind: 'token', token: srv.token } }, { batchLines: 2, gzip: false });
    expect(report.batchesFailed).toBe(0);
    expect(report.pointsWritten).toBe(4);
    expect(report.acknowledged).toEqual([{ fromBatch: 1, toBatch: 3, fromLine: 1, toLine: 5 }]);
    expect(report.linesRejectedCount).toBe(1);
    // The string on file line 4 (line 2 of batch 2) is the point InfluxDB's reason names.
    expect(report.linesRejected).toEqual([{ line: 4, reason: 'field type conflict: input field "v" on measurement "tc" is type string, already exists as type integer' }]);
  });

  it('network errors until the attempts run out: the batch is reported failed with the reason', async () => {
    const report = await upload(lines(1, 10), { url: 'http://127.0.0.1:1', api: 'v1', db: 'x', auth: { kind: 'none' } }, { backoffMs: 1, maxAttempts: 3 });
    expect(report).toMatchObject({ pointsWritten: 0, batchesFailed: 1, acknowledged: [] });
    expect(report.failures[0]).toMatch(/^batch 1 \(lines 1-10\): network error: connect ECONNREFUSED 127\.0\.0\.1:1/);
  });

  it('a cancel half-way leaves exactly the acknowledged batches stored', async () => {
    const ac = new AbortController();
    const report = await upload(lines(100_001, 140_000), { url: srv.url, api: 'v1', db: 'b', auth: { kind: 'token', token: srv.token } }, {
      batchLines: 2000,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.pointsWritten >= 10_000) ac.abort();
      },
    });
    expect(report.cancelled).toBe(true);
    expect(report.pointsWritten).toBeGreaterThanOrEqual(10_000);
    expect(report.pointsWritten).toBeLessThan(40_000);
    expect(report.acknowledged).toEqual([{ fromBatch: 1, toBatch: report.pointsWritten / 2000, fromLine: 1, toLine: report.pointsWritten }]);
    cancelledWritten = report.pointsWritten;
  });

  it('what was stored is exactly what the reports say', async () => {
    await srv.stop();
    const a = await readBucket(srv.dataDir, 'a');
    expect(a).toHaveLength(N - 3);
    expect(new Set(a.map(lineNo)).size).toBe(N - 3);
    for (const n of BAD) expect(a.some((p) => lineNo(p) === n)).toBe(false);
    const c = await readBucket(srv.dataDir, 'c');
    expect(c).toHaveLength(N - 30_000); // batches 1, 2 and 5 of 10,000 lines held a bad line
    const h = await readBucket(srv.dataDir, 'h');
    expect(h.map(lineNo).sort((x, y) => x - y)).toEqual(Array.from({ length: 15_002 }, (_, i) => i + 1).filter((l) => l !== 7 && l !== 12_345));
    const d = await readBucket(srv.dataDir, 'd');
    expect(d).toHaveLength(N - 3);
    const f = await readBucket(srv.dataDir, 'f');
    expect(f).toHaveLength(30_000);
    expect(new Set(f.map(lineNo)).size).toBe(30_000);
    const g = await readBucket(srv.dataDir, 'g');
    expect(g.map((p) => p.tags.k).sort()).toEqual(['1', '2', '3', '5']);
    const b = await readBucket(srv.dataDir, 'b');
    const cancelled = cancelledWritten;
    expect(b).toHaveLength(20_000 + cancelled);
    const lines2 = b.map(lineNo).filter((n) => n > 100_000).sort((x, y) => x - y);
    expect(lines2).toEqual(Array.from({ length: cancelled }, (_, i) => 100_001 + i));
  });
});
