// `lpstudio export` streams: a bucket far bigger than the export's heap is exported whole and
// exactly (time order, ties by series key), through the real CLI on a real data directory.
// Reading every point into memory first (as export once did) does not fit in that heap.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LPSTUDIO_BIN, lpstudio } from '../support/serve.js';
import { repoRoot } from '../support/shared.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function dist<T>(rel: string): Promise<T> {
  return (await import(pathToFileURL(path.join(repoRoot, 'dist', rel)).href)) as T;
}

const HOSTS = 100;
const TIMES = 1200;
const T0 = 1_700_000_000_000_000_000n;
const FIELDS = ['usage_user', 'usage_system', 'usage_idle', 'usage_nice', 'usage_iowait', 'usage_irq', 'usage_softirq', 'usage_steal', 'usage_guest', 'usage_guest_nice'];

function host(h: number): string {
  return `host_${String(h).padStart(3, '0')}`;
}

/** Line t×HOSTS+h as the writer sends it (tags unsorted, fields in TSBS order). */
function sent(t: number, h: number): string {
  return `cpu,hostname=${host(h)},region=eu-west-1,arch=x64 ${FIELDS.map((f, k) => `${f}=${(t * 7 + h * 3 + k) % 101}i`).join(',')} ${T0 + BigInt(t) * 10_000_000_000n}`;
}

/** The same point as export writes it: tags and fields sorted by key. */
function exported(t: number, h: number): string {
  const fields = FIELDS.map((f, k) => [f, (t * 7 + h * 3 + k) % 101] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return `cpu,arch=x64,hostname=${host(h)},region=eu-west-1 ${fields.map(([f, v]) => `${f}=${v}i`).join(',')} ${T0 + BigInt(t) * 10_000_000_000n}`;
}

/** Runs the CLI with a small V8 heap; returns exit code, stdout bytes and stderr. */
function exportWithHeap(heapMb: number, args: string[]): Promise<{ code: number | null; out: Buffer; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, LPSTUDIO_BIN, 'export', ...args], { cwd: repoRoot });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out: Buffer.concat(out), err }));
  });
}

describe('lpstudio export', () => {
  it(`streams ${HOSTS * TIMES} points with 10 fields each through a 40 MB heap, exactly and in order`, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-export-'));
    dirs.push(dataDir);
    await lpstudio('setup', '--username', 'u', '--password', 'password-123', '--token', 'export-test-token-0123456789', '--org', 'o', '--bucket', 'b', '--data', dataDir);
    const { MetaStore } = await dist<typeof import('../../server/meta.js')>('server/meta.js');
    const { openBucketStore } = await dist<typeof import('../../server/store/index.js')>('server/store/index.js');
    const { parse } = await dist<typeof import('../../lineprotocol/parse.js')>('lineprotocol/parse.js');
    const meta = MetaStore.open(dataDir).get();
    const store = await openBucketStore(dataDir, [...meta.buckets], { compactAfterPoints: 400_000 });
    const bucketId = meta.buckets[0].id;
    // Written in 5000-line batches: several compactions (segments), the last part in the WAL until close.
    let lines: string[] = [];
    const flush = async () => {
      const text = lines.join('\n') + '\n';
      lines = [];
      const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T0, truncateTo: 'ns', crlf: 'strip', warnings: false });
      expect(r.errors).toEqual([]);
      await store.write({ bucketId, body: Buffer.from(text), precision: 'ns', defaultTime: T0.toString() }, r.points);
    };
    for (let t = 0; t < TIMES; t++) {
      for (let h = 0; h < HOSTS; h++) lines.push(sent(t, h));
      if (lines.length >= 5000) await flush();
    }
    if (lines.length > 0) await flush();
    await store.close();

    const r = await exportWithHeap(40, ['--bucket', 'b', '--data', dataDir]);
    expect(r.err).not.toContain('heap out of memory');
    expect(r.code).toBe(0);
    const got = r.out.toString('utf8').split('\n');
    expect(got.pop()).toBe('');
    expect(got.length).toBe(HOSTS * TIMES);
    for (let t = 0, i = 0; t < TIMES; t++) {
      for (let h = 0; h < HOSTS; h++, i++) {
        if (got[i] !== exported(t, h)) expect(got[i], `line ${i + 1}`).toBe(exported(t, h));
      }
    }

    // A time range, newest data cut off: only what it covers.
    const stop = (T0 + 600n * 10_000_000_000n).toString();
    const part = await exportWithHeap(40, ['--bucket', 'b', '--data', dataDir, '--start', (T0 + 10_000_000_000n).toString(), '--stop', stop]);
    expect(part.code).toBe(0);
    const partLines = part.out.toString('utf8').trimEnd().split('\n');
    expect(partLines.length).toBe(599 * HOSTS);
    expect(partLines[0]).toBe(exported(1, 0));
    expect(partLines[partLines.length - 1]).toBe(exported(599, HOSTS - 1));
  }, 600_000);
});
