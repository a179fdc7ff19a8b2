// Section "restart": how long the store takes to open with 10M field values stored, in two
// shapes: 1M lines of the TSBS cpu file (1,000 series, 10 fields each), and 250,000 series of 20
// points with 2 fields (the soak's shape: a new series per batch, so the per-series index is what
// start-up loads). Each store is written through the store's own API (WAL, fsync, compactions as
// they come) and closed, then opened several times; the figure is the median open time
// (openBucketStore until it resolves, wall and CPU), checked by a read of the reopened store.
// Then the same after a crash: the last writes only in the WAL (no close), so the open replays them.
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

/** 250,000 series of 20 points, 2 fields each, 100 series per write. */
async function fillManySeries(store, parse, series = 250_000) {
  const T0 = 1_700_000_000_000_000_000n;
  const per = 100;
  for (let first = 0; first < series; first += per) {
    let text = '';
    for (let s = first; s < first + per; s++) for (let i = 0; i < 20; i++) text += `soak,batch=b${s} v=${i}i,w=${s}i ${T0 + BigInt(i) * 1_000_000_000n}\n`;
    const body = Buffer.from(text);
    const defaultTime = String(T0);
    await store.writeStream({ bucketId: BUCKET.id, body, precision: 'ns', defaultTime }, (apply) => {
      const pts = [];
      const p = new parse.LineProtocolParser(
        { dialect: 'influxdb2', precision: 'ns', now: T0, truncateTo: 'ns', crlf: 'strip', warnings: false },
        { point: (pt) => pts.push(pt) },
      );
      p.run(text, true, 0, 1, body);
      p.end();
      apply(pts);
    });
  }
}

/** Median wall and CPU ms of `opens` opens of dir (copied fresh from `image` first when given). */
async function timeOpens(openBucketStore, dir, values, { opens = OPENS, check }) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < opens; i++) {
    globalThis.gc?.();
    const c0 = process.cpuUsage();
    const a = nowMs();
    const r = await openBucketStore(dir, [BUCKET]);
    wall.push(nowMs() - a);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (r.stats().points !== values) throw new Error(`reopened store holds ${r.stats().points} values, not ${values}`);
    check?.(r);
    await r.close();
  }
  return { wall: median(wall), cpu: median(cpu), all: wall };
}

export async function restartSection({ lines = Number(process.env.LPSTUDIO_BENCH_RESTART_LINES) || 1_000_000 } = {}) {
  const file = ensureTsbs(lines);
  const { openBucketStore } = await load('server/store/index.js');
  const parse = await load('lineprotocol/parse.js');
  const rows = [];
  const notes = [];
  const shapes = [
    { name: 'TSBS cpu, 1,000 series', id: 'restart-10m', fill: (s) => fill(s, file, parse), measurement: 'cpu' },
    { name: '250,000 series of 20 points', id: 'restart-10m-many-series', fill: (s) => fillManySeries(s, parse), measurement: 'soak' },
  ];
  for (const shape of shapes) {
    const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-restart-'));
    try {
      const t0 = nowMs();
      const s = await openBucketStore(dir, [BUCKET]);
      await shape.fill(s);
      await s.compact();
      const values = s.stats().points;
      const newest = s.read({ bucketId: BUCKET.id, measurement: shape.measurement, descending: true, limit: 1 })[0]?.time ?? null;
      await s.close();
      log(`restart: ${shape.name}: wrote ${values.toLocaleString('en')} field values in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
      const check = (r) => {
        const got = r.read({ bucketId: BUCKET.id, measurement: shape.measurement, descending: true, limit: 1 })[0]?.time ?? null;
        if (got !== newest) throw new Error(`newest point after reopening is ${got}, not ${newest}`);
      };
      const t = await timeOpens(openBucketStore, dir, values, { check });
      log(`restart: ${shape.name}: open times ${t.all.map((x) => x.toFixed(0)).join(', ')} ms`);
      const label = `${(values / 1e6).toFixed(0)}M values, ${shape.name}`;
      rows.push(
        row(`restart with ${label} (open, median of ${OPENS})`, { id: shape.id, ours: t.wall, unit: 'ms', better: 'lower', target: { text: '< 1000 ms', pass: t.wall < 1000 }, note: `CPU ${t.cpu.toFixed(0)} ms` }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  notes.push('a clean restart: the store was closed (its last compaction done); after a kill -9 the open also replays the WAL since the last compaction (at most compactAfterPoints, 1M values)');
  return { rows, notes };
}
