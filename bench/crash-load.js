// Shared by the crash test (test/integration/endpoint-crash.test.ts) and the crash and soak
// benches (bench/durability.js): `lpstudio serve` as a child process, a concurrent write load of
// numbered batches, and reading back which batches the store holds (through dist/, in-process,
// with the server stopped: that is WAL replay and segment reads, as a restart does them).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'lpstudio.js');
export const CRASH_TOKEN = 'crash-test-token-0123456789abcdef';
export const LINES_PER_BATCH = 40;
const T0 = 1_700_000_000_000_000_000n;
const START_TIMEOUT_MS = 15_000;

/** Starts `lpstudio serve` on dataDir (port 0); resolves once it listens. */
export function startServe(dataDir, { token = CRASH_TOKEN, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir, '--token', token], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`lpstudio serve did not start within ${START_TIMEOUT_MS} ms: ${out} ${err}`));
    }, START_TIMEOUT_MS);
    proc.stderr.on('data', (d) => (err += d));
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], pid: proc.pid, stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lpstudio serve exited with ${code}: ${err}`));
    });
  });
}

/** Resolves once the process has exited. */
export function stopped(proc) {
  return new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));
}

/** Batch b: `lines` points of its own series, each with a distinct time. */
export function batchBody(b, lines = LINES_PER_BATCH) {
  let s = '';
  for (let i = 0; i < lines; i++) s += `crash,batch=b${b} v=${i}i,w=${b * 1000 + i} ${T0 + BigInt(i)}\n`;
  return s;
}

/** The rows readBatches gives for an intact batch b of `lines` points, sorted. */
export function expectedRows(b, lines = LINES_PER_BATCH) {
  return Array.from({ length: lines }, (_, i) => `${T0 + BigInt(i)} v=${i},w=${b * 1000 + i}`).sort();
}

/**
 * `workers` concurrent writers of numbered batches from firstBatch on, until stop() or the server
 * goes. acked gets the batches answered 204, attempted every batch sent. With abortChance > 0 a
 * writer gives up on a request at a random moment (a client timing out); such a batch counts as
 * attempted, never as acknowledged. pauseMs: each writer's pause between requests; lines: points per batch.
 */
export async function load(url, { firstBatch, acked, attempted, stop, workers = 4, token = CRASH_TOKEN, abortChance = 0, pauseMs = 0, lines = LINES_PER_BATCH, onStatus }) {
  let next = firstBatch;
  const worker = async () => {
    while (!stop()) {
      const b = next++;
      attempted.add(b);
      const ac = new AbortController();
      const timer = abortChance > 0 && Math.random() < abortChance ? setTimeout(() => ac.abort(), Math.floor(Math.random() * 20)) : undefined;
      try {
        const r = await fetch(`${url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${token}` }, body: batchBody(b, lines), signal: ac.signal });
        await r.arrayBuffer();
        onStatus?.(r.status);
        if (r.status === 204) acked.add(b);
      } catch (e) {
        if (ac.signal.aborted) continue; // our own time-out: the server is still there
        return; // the server is gone
      } finally {
        clearTimeout(timer);
      }
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

/** The stored rows of each batch (measurement `crash` of bucket `default`); the server must be stopped. */
export async function readBatches(dataDir) {
  const { MetaStore } = await import(pathToFileURL(path.join(root, 'dist/server/meta.js')).href);
  const { openBucketStore } = await import(pathToFileURL(path.join(root, 'dist/server/store/index.js')).href);
  const buckets = MetaStore.open(dataDir).get().buckets;
  const store = await openBucketStore(dataDir, [...buckets], { log: () => {} });
  try {
    const bucket = buckets.find((b) => b.name === 'default');
    const byBatch = new Map();
    for (const p of store.read({ bucketId: bucket.id, measurement: 'crash' })) {
      const b = Number(p.tags.find((t) => t.key === 'batch').value.slice(1));
      const rows = byBatch.get(b) ?? [];
      rows.push(`${p.time} ${p.fields.map((f) => `${f.key}=${f.value}`).join(',')}`);
      byBatch.set(b, rows);
    }
    for (const rows of byBatch.values()) rows.sort();
    return byBatch;
  } finally {
    await store.close();
  }
}

/**
 * What is wrong with the stored batches: acknowledged ones missing or not whole (lost), stored
 * ones never sent (phantom), stored ones not whole (torn). All empty when nothing is wrong.
 */
export function audit(stored, acked, attempted, lines = LINES_PER_BATCH) {
  const same = (a, b) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
  const lost = [...acked].filter((b) => !same(stored.get(b), expectedRows(b, lines)));
  const phantom = [...stored.keys()].filter((b) => !attempted.has(b));
  const torn = [...stored.keys()].filter((b) => attempted.has(b) && !same(stored.get(b), expectedRows(b, lines)));
  return { lost, phantom, torn };
}
