// Nothing acknowledged is ever lost: `lpstudio serve` is SIGKILLed during a concurrent write
// load, ten times over; after each restart every batch that got a 204 is there, whole, and
// nothing else changed (a batch that got no answer is there whole or not at all).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

const bin = path.join(repoRoot, 'bin', 'lpstudio.js');
const TOKEN = 'crash-test-token-0123456789abcdef';
const LINES_PER_BATCH = 40;
const T0 = 1_700_000_000_000_000_000n;
let current: ChildProcess | null = null;

afterAll(() => current?.kill('SIGKILL'));

function startServer(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir, '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
    current = proc;
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 15_000);
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

function stopped(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));
}

/** Batch b: LINES_PER_BATCH points of its own series, each with a distinct time. */
function batchBody(b: number): string {
  let s = '';
  for (let i = 0; i < LINES_PER_BATCH; i++) s += `crash,batch=b${b} v=${i}i,w=${b * 1000 + i} ${T0 + BigInt(i)}\n`;
  return s;
}

async function load(url: string, firstBatch: number, acked: Set<number>, attempted: Set<number>, stop: () => boolean): Promise<void> {
  let next = firstBatch;
  const worker = async () => {
    while (!stop()) {
      const b = next++;
      attempted.add(b);
      try {
        const r = await fetch(`${url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${TOKEN}` }, body: batchBody(b) });
        if (r.status === 204) acked.add(b);
      } catch {
        return; // the server is gone
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function readBatches(dataDir: string): Promise<Map<number, string[]>> {
  const { MetaStore } = await import(path.join(repoRoot, 'dist/server/meta.js'));
  const { openBucketStore } = await import(path.join(repoRoot, 'dist/server/store/index.js'));
  const meta = MetaStore.open(dataDir);
  const buckets = meta.get().buckets;
  const store = await openBucketStore(dataDir, [...buckets], { log: () => {} });
  try {
    const bucket = buckets.find((b: { name: string }) => b.name === 'default');
    const points = store.read({ bucketId: bucket.id, measurement: 'crash' });
    const byBatch = new Map<number, string[]>();
    for (const p of points) {
      const b = Number(p.tags.find((t: { key: string }) => t.key === 'batch').value.slice(1));
      const rows = byBatch.get(b) ?? [];
      rows.push(`${p.time} ${p.fields.map((f: { key: string; value: unknown }) => `${f.key}=${f.value}`).join(',')}`);
      byBatch.set(b, rows);
    }
    return byBatch;
  } finally {
    await store.close();
  }
}

function expectedRows(b: number): string[] {
  return Array.from({ length: LINES_PER_BATCH }, (_, i) => `${T0 + BigInt(i)} v=${i},w=${b * 1000 + i}`);
}

describe('crash safety of lpstudio serve', () => {
  it('keeps every acknowledged write through ten SIGKILLs under concurrent load', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-crash-'));
    const acked = new Set<number>();
    const attempted = new Set<number>();
    let firstBatch = 0;
    for (let round = 0; round < 10; round++) {
      const { proc, url } = await startServer(dataDir);
      let killed = false;
      const loading = load(url, firstBatch, acked, attempted, () => killed);
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 450)));
      proc.kill('SIGKILL');
      killed = true;
      await stopped(proc);
      await loading;
      firstBatch += 100_000;

      // Restart (recovery runs), stop cleanly, then look at what is stored.
      const again = await startServer(dataDir);
      again.proc.kill('SIGTERM');
      await stopped(again.proc);
      const stored = await readBatches(dataDir);
      for (const b of acked) expect(stored.get(b)?.sort(), `acknowledged batch ${b} (round ${round})`).toEqual(expectedRows(b).sort());
      for (const [b, rows] of stored) {
        expect(attempted.has(b), `batch ${b} was never sent`).toBe(true);
        expect(rows.sort(), `batch ${b} is whole`).toEqual(expectedRows(b).sort());
      }
    }
    expect(acked.size).toBeGreaterThan(20);
  }, 120_000);
});
