// Section "restart": how long the store takes to open with 10M field values stored (1M lines of
// the TSBS cpu file, 10 fields each). The store is written through its own API (WAL, fsync,
// compactions as they come), closed, then opened again several times; the figure is the median
// open time (openBucketStore until it resolves), with the RSS it took, and a read that proves the
// reopened store holds what was written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTsbs, log, median, nowMs, root, row } from './lib.js';

const BATCH_LINES = 5000;
const OPENS = 5;
const BUCKET = { id: '00000000000000b1', name: 'bench', orgId: '00000000000000a1', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' };

const load = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);

/** Writes the file's lines into a fresh store in 5000-line batches; returns the lines written. */
async function fill(store, file, parse) {
  const buf = readFileSync(file);
  let lines = 0;
  let start = 0;
  while (start < buf.length) {
    let end = start;
    for (let n = 0; n < BATCH_LINES && end < buf.length; n++) {
      const nl = buf.indexOf(10, end);
      end = nl < 0 ? buf.length : nl + 1;
    }
    const body = buf.subarray(start, end);
    const text = body.toString('latin1');
    const defaultTime = '1700000000000000000';
    await store.writeStream({ bucketId: BUCKET.id, body, precision: 'ns', defaultTime }, (apply) => {
      const pts = [];
      const p = new parse.LineProtocolParser(
        { dialect: 'influxdb2', precision: 'ns', now: BigInt(defaultTime), truncateTo: 'ns', crlf: 'strip', warnings: false },
        { point: (pt) => pts.push(pt) },
      );
      p.run(text, true, 0, 1, body);
      p.end();
      apply(pts);
    });
    lines += BATCH_LINES;
    start = end;
  }
  return lines;
}

export async function restartSection({ lines = Number(process.env.LPSTUDIO_BENCH_RESTART_LINES) || 1_000_000 } = {}) {
  const file = ensureTsbs(lines);
  const { openBucketStore } = await load('server/store/index.js');
  const parse = await load('lineprotocol/parse.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-restart-'));
  try {
    const t0 = nowMs();
    const s = await openBucketStore(dir, [BUCKET]);
    await fill(s, file, parse);
    await s.compact();
    const values = s.stats().points;
    await s.close();
    log(`restart: wrote ${values.toLocaleString('en')} field values in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    const times = [];
    const rss = [];
    let newest = null;
    for (let i = 0; i < OPENS; i++) {
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      const a = nowMs();
      const r = await openBucketStore(dir, [BUCKET]);
      times.push(nowMs() - a);
      rss.push(process.memoryUsage().rss - before);
      if (r.stats().points !== values) throw new Error(`reopened store holds ${r.stats().points} values, not ${values}`);
      if (i === 0) newest = r.read({ bucketId: BUCKET.id, measurement: 'cpu', descending: true, limit: 1 })[0]?.time ?? null;
      await r.close();
    }
    log(`restart: open times ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    return {
      rows: [
        row(`restart with ${(values / 1e6).toFixed(0)}M field values stored (open, median of ${OPENS})`, {
          ours: median(times),
          unit: 'ms',
          better: 'lower',
          target: { text: '< 1000 ms', pass: median(times) < 1000 },
        }),
        row('memory taken by the open (RSS growth, median)', { ours: median(rss) / 1e6, unit: 'MB', better: 'lower' }),
      ],
      notes: [`newest point after reopening: ${newest}`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
