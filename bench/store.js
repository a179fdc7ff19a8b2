// The `store` bench section: reads of the durable bucket store (issue 16).
//  - newest 100 points of a 10M-point shard group (the data browser's first page: readAsync,
//    newest first, limit 101 as the app asks), in a fresh process on a store built once;
//  - `lpstudio export` of the 1M-line TSBS file's points: wall time, points/s, peak RSS;
//  - `lpstudio export` of 9.5M of the 10M points (--stop): completes, peak RSS.
// Stores are built once through the store itself (bench/store-build.js: parse, write in
// 5000-line batches, compact, merge) into the bench cache and reused while their marker matches.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, ensureTsbs, log, measureChild, MB, median, nowMs, root, row, shared } from './lib.js';

/** Bump when the segment format or the build changes: cached stores are rebuilt. */
const STORE_VERSION = 1;
const STEP_NS = 10_000_000_000n;
const T0 = 1451606400000000000n;
const cli = path.join(root, 'bin/lpstudio.js');

/** A data directory holding `lines` TSBS cpu lines in bucket `b` (built once, cached). */
export async function ensureStore(lines) {
  const dir = path.join(cacheDir, `store-tsbs-${lines}`);
  const marker = path.join(dir, 'bench-built.json');
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    if (m.version === STORE_VERSION && m.lines === lines) return dir;
  } catch {}
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const setup = spawnSync(process.execPath, [cli, 'setup', '--username', 'bench', '--password', 'bench-password', '--token', 'bench-token-0123456789', '--org', 'bench', '--bucket', 'b', '--data', dir], { encoding: 'utf8' });
  if (setup.status !== 0) throw new Error(`lpstudio setup failed: ${setup.stderr}`);
  log(`building a store of ${lines.toLocaleString('en')} TSBS lines in ${dir} (once; minutes) …`);
  const t0 = nowMs();
  // The 1M file is the cached one; bigger inputs come from the generator, piped.
  const src = lines === 1_000_000 ? { file: ensureTsbs() } : { gen: [path.join(shared, 'bench/gen-tsbs-cpu.py'), String(lines)] };
  await new Promise((resolve, reject) => {
    const build = spawn(process.execPath, [path.join(root, 'bench/store-build.js'), dir, 'b'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    build.stdout.on('data', (d) => (out += d));
    build.on('error', reject);
    build.on('close', (code) => (code === 0 && /points=(\d+)/.test(out) ? resolve() : reject(new Error(`store-build exited ${code}: ${out.slice(-500)}`))));
    // Piped through this process, so the builder's input ends when the source does.
    if (src.file) createReadStream(src.file).on('error', reject).pipe(build.stdin);
    else {
      const gen = spawn('python3', src.gen, { stdio: ['ignore', 'pipe', 'inherit'] });
      gen.on('error', reject);
      gen.stdout.pipe(build.stdin);
    }
  });
  writeFileSync(marker, JSON.stringify({ version: STORE_VERSION, lines, seconds: Math.round((nowMs() - t0) / 1000) }) + '\n');
  return dir;
}

/** Child process: opens the store and times the data browser's first page, printing JSON. */
const PAGE_SCRIPT = `
const [dist, dir] = process.argv.slice(1);
const { MetaStore } = await import(dist + '/server/meta.js');
const { openBucketStore } = await import(dist + '/server/store/index.js');
const meta = MetaStore.open(dir).get();
const b = meta.buckets.find((x) => x.name === 'b');
const t0 = performance.now();
const s = await openBucketStore(dir, [...meta.buckets], {});
const openMs = performance.now() - t0;
const times = [];
let n = 0;
for (let i = 0; i < 7; i++) {
  const t = performance.now();
  n = (await s.readAsync({ bucketId: b.id, measurement: 'cpu', descending: true, limit: 101 })).length;
  times.push(performance.now() - t);
}
await s.close();
console.log(JSON.stringify({ openMs, times, n }));
`;

async function newestPage(dir) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', PAGE_SCRIPT, path.join(root, 'dist'), dir], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`newest-page child failed: ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function loadNote() {
  const [l1] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `load average ${l1} on this machine during the run`;
}

export async function storeSection() {
  const rows = [];
  const notes = [];
  const raw = {};
  const big = await ensureStore(10_000_000);
  const page = await newestPage(big);
  raw.newestPage = page;
  const first = page.times[0];
  const med = median(page.times.slice(1));
  rows.push(
    row('newest 100 points of a 10M-point shard group (first read)', { id: 'store-newest-100-first', ours: first, unit: 'ms', better: 'lower', target: { text: '< 50 ms', pass: first < 50 } }),
    row('newest 100 points of a 10M-point shard group (median of 6 more)', { id: 'store-newest-100', ours: med, unit: 'ms', better: 'lower', target: { text: '< 50 ms', pass: med < 50 } }),
  );
  notes.push(`store of 10M TSBS lines (1000 series × 10,000 times, one 7-day shard group) opened in ${Math.round(page.openMs)} ms`);

  const small = await ensureStore(1_000_000);
  const exp = await measureChild(process.execPath, [cli, 'export', '--bucket', 'b', '--data', small]);
  if (exp.code !== 0) throw new Error(`lpstudio export failed (exit ${exp.code}): ${exp.stderr.slice(-500)}`);
  const pps = 1_000_000 / exp.seconds;
  raw.export1m = { seconds: exp.seconds, peakRssBytes: exp.peakRssBytes, bytes: exp.stdoutBytes };
  rows.push(
    row('lpstudio export 1M TSBS points', { id: 'export-1m', ours: pps, unit: 'points/s', target: { text: '≥ 1,000,000 points/s', pass: pps >= 1e6 }, note: `${exp.seconds.toFixed(2)} s wall, ${(exp.stdoutBytes / 1e6).toFixed(0)} MB of line protocol` }),
    row('lpstudio export 1M TSBS points, peak RSS', { id: 'export-1m-rss', ours: MB(exp.peakRssBytes), unit: 'MB', better: 'lower', target: { text: '< 200 MB', pass: MB(exp.peakRssBytes) < 200 } }),
  );

  // 9.5M of the 10M points: the first 9,500 of its 10,000 times.
  const stop = (T0 + 9500n * STEP_NS).toString();
  const exp2 = await measureChild(process.execPath, [cli, 'export', '--bucket', 'b', '--data', big, '--stop', stop]);
  const lines = Math.round(exp2.stdoutBytes / (exp.stdoutBytes / 1_000_000));
  raw.export9500k = { code: exp2.code, seconds: exp2.seconds, peakRssBytes: exp2.peakRssBytes, bytes: exp2.stdoutBytes };
  rows.push(
    row('lpstudio export 9.5M points (completes)', {
      id: 'export-9500k',
      ours: exp2.code === 0 ? 9_500_000 / exp2.seconds : 0,
      unit: 'points/s',
      target: { text: 'completes, RSS < 200 MB', pass: exp2.code === 0 && MB(exp2.peakRssBytes) < 200 },
      note: `exit ${exp2.code}, ${exp2.seconds.toFixed(1)} s wall, ~${lines.toLocaleString('en')} lines, peak RSS ${MB(exp2.peakRssBytes).toFixed(0)} MB`,
    }),
    row('lpstudio export 9.5M points, peak RSS', { id: 'export-9500k-rss', ours: MB(exp2.peakRssBytes), unit: 'MB', better: 'lower', target: { text: '< 200 MB', pass: MB(exp2.peakRssBytes) < 200 } }),
  );
  notes.push(loadNote());
  return { rows, notes, raw };
}

// `node bench/store.js build N`: builds (or checks) the cached store of N lines.
if (process.argv[1] === new URL(import.meta.url).pathname && process.argv[2] === 'build') {
  console.log(await ensureStore(Number(process.argv[3] ?? 10_000_000)));
}
