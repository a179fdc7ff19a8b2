// Nothing acknowledged is ever lost, at any moment: a child process writes batches into the
// bucket store from four concurrent loops (compacting often) and prints each batch id once its
// write() resolved; it is SIGKILLed at a random moment, ten times over on the same data
// directory. After each kill the store reopens (on a copy, so the next child starts from the
// crashed state itself) and every acknowledged batch is there, whole; any other batch is there
// whole or not at all. Runs the compiled store (dist/, built by `npm test`).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BucketInfo, BucketStore, StoredPoint } from '../../server/store/api.js';
import { repoRoot } from '../support/shared.js';

const distStore = path.join(repoRoot, 'dist/server/store/index.js');
const distParse = path.join(repoRoot, 'dist/lineprotocol/parse.js');
const B = 'd000000000000001';
const T0 = 1_700_000_000_000_000_000n;
const T1 = T0 + 8n * 86400n * 1_000_000_000n; // another shard group
const LINES = 30;

/** Batch b: its own series; 20 points in one shard group and 10 in the next. */
function expectedRows(b: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < LINES; i++) out.push(`${(i < 20 ? T0 : T1) + BigInt(i)} v=${i},w=${b * 1000 + i}`);
  return out;
}

const CHILD = `
import { openBucketStore } from ${JSON.stringify(pathToFileURL(distStore).href)};
import { parse } from ${JSON.stringify(pathToFileURL(distParse).href)};
const T0 = ${T0}n, T1 = ${T1}n, LINES = ${LINES};
const bucket = { id: '${B}', name: 'crash', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' };
const store = await openBucketStore(process.env.DATA_DIR, [bucket], {
  compactAfterPoints: 3000,
  log: (m) => process.stderr.write(m + '\\n'),
});
process.stdout.write('ready\\n');
let next = Number(process.env.FIRST_BATCH);
async function loop() {
  for (;;) {
    const b = next++;
    let text = '';
    for (let i = 0; i < LINES; i++) text += 'crash,batch=b' + b + ' v=' + i + 'i,w=' + (b * 1000 + i) + ' ' + ((i < 20 ? T0 : T1) + BigInt(i)) + '\\n';
    const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T0, truncateTo: 'ns', crlf: 'strip', warnings: false });
    await store.write({ bucketId: bucket.id, body: Buffer.from(text), precision: 'ns', defaultTime: String(T0) }, r.points);
    process.stdout.write('ack ' + b + '\\n');
  }
}
await Promise.all([loop(), loop(), loop(), loop()]);
`;

const root = mkdtempSync(path.join(tmpdir(), 'lps-crash-'));
const bucket: BucketInfo = { id: B, name: 'crash', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' };
let openStore: (dir: string, buckets: BucketInfo[], opts: object) => Promise<BucketStore>;

beforeAll(async () => {
  if (!existsSync(distStore)) throw new Error(`${distStore} is missing: build first (npx tsc -p tsconfig.build.json)`);
  openStore = (await import(pathToFileURL(distStore).href)).openBucketStore;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the writer until killed after `delayMs` from its start-up; returns the acknowledged ids. */
function runAndKill(dataDir: string, firstBatch: number, delayMs: number): Promise<{ acked: Set<number>; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: { ...process.env, DATA_DIR: dataDir, FIRST_BATCH: String(firstBatch) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const giveUp = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer never became ready: ${err}`));
    }, 15_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      const first = !out.includes('ready\n');
      out += d;
      if (first && out.includes('ready\n')) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(giveUp);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited with ${code}: ${err}`));
      const acked = new Set<number>();
      // Only whole lines count: the kill may cut the last one.
      for (const line of out.slice(0, out.lastIndexOf('\n') + 1).split('\n')) {
        const m = /^ack (\d+)$/.exec(line);
        if (m) acked.add(Number(m[1]));
      }
      resolve({ acked, stderr: err });
    });
  });
}

function byBatch(points: StoredPoint[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const p of points) {
    const b = Number(p.tags.find((t) => t.key === 'batch')!.value.slice(1));
    const rows = out.get(b) ?? [];
    rows.push(`${p.time} ${p.fields.map((f) => `${f.key}=${f.value}`).join(',')}`);
    out.set(b, rows);
  }
  return out;
}

it('keeps every acknowledged batch whole across ten SIGKILLs', async () => {
  const dataDir = path.join(root, 'data');
  const everAcked = new Set<number>();
  let totalAcked = 0;
  for (let round = 0; round < 10; round++) {
    const delay = 20 + Math.floor(Math.random() * 600);
    const { acked, stderr } = await runAndKill(dataDir, round * 1_000_000, delay);
    for (const b of acked) everAcked.add(b);
    totalAcked += acked.size;
    const copy = path.join(root, `check-${round}`);
    cpSync(dataDir, copy, { recursive: true });
    const logs: string[] = [];
    const store = await openStore(copy, [bucket], { log: (m: string) => logs.push(m) });
    try {
      const batches = byBatch(store.read({ bucketId: B, measurement: 'crash' }));
      const context = `round ${round} (killed ${delay} ms after start-up); writer log: ${stderr}; recovery log: ${logs.join(' | ')}`;
      for (const b of everAcked) expect(batches.has(b), `acknowledged batch ${b} missing; ${context}`).toBe(true);
      for (const [b, rows] of batches) expect(rows, `batch ${b} not whole; ${context}`).toEqual(expectedRows(b));
    } finally {
      await store.close();
      rmSync(copy, { recursive: true, force: true });
    }
  }
  expect(totalAcked).toBeGreaterThan(100); // the writer really got going
});
