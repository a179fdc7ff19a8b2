#!/usr/bin/env node
// `npm run bench` (builds dist/ first) or `node bench/run.js [--only NAME[,NAME…]] [--rounds N] [--minutes N] [--list]`.
// Runs the benchmark sections in order, prints a report in which every figure stands next to its
// peer's figure from the same run and the ratio, and writes it as JSON to bench/results/latest.json
// (with --only, the sections run replace their entries in that file; the others are kept).
// Inputs and peers are cached/built on demand: see bench/lib.js (cache: ${TMPDIR:-/tmp}/lpstudio-bench,
// peers: /tmp/lp-peers, override with LPSTUDIO_BENCH_CACHE / LP_PEERS_DIR).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, commandExists, ensurePeers, ensureTsbs, fmtNum, peersDir, root, row } from './lib.js';
import { printSummary, summaryRows } from './summary.js';

const dist = (p) => path.join(root, 'dist', p);
const missing = (...files) => {
  const gone = files.filter((f) => !existsSync(f));
  return gone.length === 0 ? null : `missing ${gone.map((f) => path.relative(root, f)).join(', ')} (run "npm run build:cli" or "npm run bench")`;
};

/** `lpstudio lint --help` must work. */
function cliLoads() {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/lpstudio.js'), 'lint', '--help'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return null;
  const why = /Error[^\n]*/.exec(r.stderr)?.[0] ?? `exit ${r.status}: ${r.stderr.trim().slice(0, 200)}`;
  return `bin/lpstudio.js does not run (${why.slice(0, 200)}); rebuild with "npm run build:cli"`;
}

/** dist/cli/endpoint-host.js started without a parent exits 2 with a usage message once all its imports load. */
function hostLoads() {
  const r = spawnSync(process.execPath, [dist('cli/endpoint-host.js')], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 2 && !/ERR_MODULE_NOT_FOUND|SyntaxError/.test(r.stderr)) return null;
  const why = /Error[^\n]*/.exec(r.stderr)?.[0] ?? `exit ${r.status}`;
  return `dist/cli/endpoint-host.js does not load (${why.slice(0, 200)}); rebuild with "npm run build:cli"`;
}

/**
 * Each section: name (for --only), title, requires() → null or the reason to skip, run() →
 * { rows, notes?, raw? }. Sections with isolate run in a fresh node process (with --expose-gc), so
 * the heap left by one section does not colour the next one's timings.
 */
const SECTIONS = [
  {
    name: 'parser',
    isolate: true,
    title: 'Parser throughput: ours vs InfluxDB Go parser, 1M-line TSBS file, 5000-line batches, best of 5',
    requires: () => missing(dist('lineprotocol/parse.js')) ?? (commandExists('python3') ? null : 'python3 is needed to generate the TSBS file'),
    run: async () => (await import('./parser.js')).parserSection(),
  },
  {
    name: 'editor',
    isolate: true,
    title: 'Editor: 100k-line document, validation from scratch and after one-line edits',
    requires: () => missing(dist('lineprotocol/parse.js')),
    run: async () => (await import('./editor.js')).editorSection(),
  },
  {
    name: 'lint',
    title: 'lpstudio lint on a ~1 GB file (child process; wall time, MB/s, peak RSS)',
    requires: () => (process.env.LPSTUDIO_BENCH_CLI ? null : missing(dist('cli/main.js'), path.join(root, 'bin/lpstudio.js')) ?? cliLoads()),
    run: async () => (await import('./lint.js')).lintSection(),
  },
  {
    name: 'endpoint',
    title: 'Endpoint write throughput: ours vs influxd 1.6.7, both loaded by lpload -workers 4 -batch 5000',
    requires: () =>
      missing(path.join(root, 'bench/endpoint.js'), dist('cli/endpoint-host.js')) ?? hostLoads() ?? (commandExists('curl') ? null : 'curl is needed by start-influxd.sh'),
    run: async () => {
      const tsbsFile = ensureTsbs();
      const dir = ensurePeers({ influxd: true });
      const { endpointSection } = await import('./endpoint.js');
      const r = await endpointSection({ tsbsFile, peersDir: dir });
      // endpoint.js reports { name, value } rows with preformatted values.
      const rows = r.rows.map((x) =>
        x.ours !== undefined ? x : row(x.name, { ours: x.value, unit: '', note: x.failed ? `failed batches: ${x.failed}` : null }),
      );
      return { rows, raw: r.raw, notes: r.notes };
    },
  },
  {
    name: 'query',
    title: 'InfluxQL query: mean(usage_user) GROUP BY time(1m), hostname over 1M TSBS points, ours vs influxd 1.6.7 (same data, same run)',
    requires: () =>
      missing(path.join(root, 'bench/query.js'), dist('cli/endpoint-host.js')) ?? hostLoads() ?? (commandExists('curl') ? null : 'curl is needed by start-influxd.sh'),
    run: async () => {
      const tsbsFile = ensureTsbs();
      const dir = ensurePeers({ influxd: true });
      return (await import('./query.js')).querySection({ tsbsFile, peersDir: dir });
    },
  },
  {
    name: 'crash',
    title: 'Crash safety: kill -9 under 4 concurrent writers, N rounds (--rounds N, default 100); acknowledged points lost must be 0',
    requires: () => missing(dist('server/store/index.js'), path.join(root, 'bin/lpstudio.js')) ?? cliLoads(),
    run: async () => (await import('./durability.js')).crashSection(),
  },
  {
    name: 'soak',
    title: 'Soak: 4 writers with random client time-outs, a data-browser reader, compactions, kill -9 every 60 s (--minutes N, default 10)',
    requires: () => missing(dist('server/store/index.js'), path.join(root, 'bin/lpstudio.js')) ?? cliLoads(),
    run: async () => (await import('./durability.js')).soakSection(),
  },
  {
    name: 'restart',
    isolate: true,
    title: 'Store restart: open a store holding 10M field values (1M TSBS lines written through the store, closed, reopened)',
    requires: () => missing(dist('server/store/index.js'), dist('lineprotocol/parse.js')) ?? (commandExists('python3') ? null : 'python3 is needed to generate the TSBS file'),
    run: async () => (await import('./restart.js')).restartSection(),
  },
  {
    name: 'store',
    isolate: true,
    title: 'Store reads: newest page of a 10M-point shard group, lpstudio export of 1M and 9.5M TSBS points (stores built once, cached)',
    requires: () =>
      missing(dist('server/store/index.js'), path.join(root, 'bin/lpstudio.js')) ?? cliLoads() ?? (commandExists('python3') ? null : 'python3 is needed to generate the TSBS input'),
    run: async () => (await import('./store.js')).storeSection(),
  },
  {
    name: 'upload',
    title: 'Upload throughput (file → remote InfluxDB)',
    requires: () => (existsSync(path.join(root, 'bench/upload.js')) ? null : 'not written yet (bench/upload.js)'),
    run: async () => (await import('./upload.js')).uploadSection(),
  },
  {
    name: 'browser',
    title: 'Browser: keystroke-to-diagnostic latency on a 100k-line document (Chromium, browser mode)',
    requires: () =>
      !existsSync(path.join(root, 'dist/renderer/index.html'))
        ? 'the UI is not built (npm run build:renderer)'
        : existsSync('/usr/bin/chromium')
          ? null
          : 'Debian chromium is not installed (apt-get install chromium)',
    run: async () => (await import('./browser.js')).browserSection(),
  },
];

let childMode = null;

function parseArgs(argv) {
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--child') {
      childMode = { name: argv[++i], out: argv[++i] };
      only.push(childMode.name);
    } else if (a === '--only') only.push(...(argv[++i] ?? '').split(','));
    // The crash and soak sections' sizes (also as environment, which isolated sections inherit).
    else if (a === '--rounds') process.env.LPSTUDIO_BENCH_CRASH_ROUNDS = argv[++i];
    else if (a === '--minutes') process.env.LPSTUDIO_BENCH_SOAK_MINUTES = argv[++i];
    else if (a.startsWith('--only=')) only.push(...a.slice(7).split(','));
    else if (a === '--list') {
      for (const s of SECTIONS) console.log(`${s.name.padEnd(10)} ${s.title}`);
      process.exit(0);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/run.js [--only NAME[,NAME...]] [--rounds N] [--minutes N] [--list]\nsections: ' + SECTIONS.map((s) => s.name).join(', '));
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}; try --help`);
      process.exit(2);
    }
  }
  const names = only.filter(Boolean);
  for (const n of names) {
    if (!SECTIONS.some((s) => s.name === n)) {
      console.error(`unknown section "${n}"; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
      process.exit(2);
    }
  }
  return names;
}

// ---------------------------------------------------------------- printing

function fmtRatio(r) {
  return r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`;
}

function printRows(rows) {
  const cells = rows.map((r) => {
    const ours = r.ours === null ? '' : `${fmtNum(r.ours, r.digits)} ${r.unit}`.trim();
    const peer = r.peer === null ? '' : `${fmtNum(r.peer, r.digits)} ${r.unit}`.trim();
    const target = r.target === null ? '' : `${r.target.text}${r.target.pass === null ? '' : r.target.pass ? '  ✔ met' : '  ✘ not met'}`;
    return [r.name, ours, peer, fmtRatio(r), target];
  });
  const head = ['figure', 'ours', 'peer (same run)', 'ours vs peer', 'target'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => '  ' + c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : i < 4 ? x.padStart(w[i]) : x)).join('  ').trimEnd();
  console.log(line(head));
  console.log('  ' + w.map((n) => '-'.repeat(n)).join('  '));
  let lastPeer = null;
  for (let i = 0; i < rows.length; i++) {
    console.log(line(cells[i]));
    const r = rows[i];
    const showPeer = r.peerName && r.peerName !== lastPeer;
    if (r.peerName) lastPeer = r.peerName;
    const extra = [showPeer ? `peer: ${r.peerName}` : null, r.note].filter(Boolean).join('; ');
    if (extra) console.log(`      ${extra}`);
  }
}

function hostInfo() {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGB: +(os.totalmem() / 1e9).toFixed(1),
    node: process.version,
    go: go.status === 0 ? go.stdout.trim() : null,
    platform: `${os.platform()} ${os.release()}`,
  };
}

// ---------------------------------------------------------------- main

/** Runs an isolated section in a child node process; its result comes back through a JSON file. */
function runIsolated(s) {
  const out = path.join(cacheDir, `section-${s.name}-${process.pid}.json`);
  mkdirSync(cacheDir, { recursive: true });
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', s.name, out], { stdio: ['ignore', 'inherit', 'inherit'] });
  let res = null;
  try {
    res = JSON.parse(readFileSync(out, 'utf8'));
  } catch {}
  rmSync(out, { force: true });
  if (res === null) throw new Error(`section process exited with status ${r.status}${r.signal ? ` (${r.signal})` : ''} and no result`);
  if (res.error) throw new Error(res.error);
  return res;
}

async function childMain() {
  const s = SECTIONS.find((x) => x.name === childMode.name);
  let res;
  try {
    res = await s.run();
  } catch (e) {
    res = { error: String(e?.stack ?? e) };
  }
  writeFileSync(childMode.out, JSON.stringify(res, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

async function main() {
  const only = parseArgs(process.argv.slice(2));
  if (childMode !== null) return childMain();
  const chosen = only.length > 0 ? SECTIONS.filter((s) => only.includes(s.name)) : SECTIONS;
  const startedAt = new Date().toISOString();
  const host = hostInfo();
  console.log(`Line Protocol Studio benchmark — ${startedAt}`);
  console.log(`host: ${host.cpu}, ${host.cores} cores, ${host.memGB} GB; node ${host.node}; ${host.go ?? 'go: not installed yet'}`);
  console.log(`cache: ${cacheDir}; peers: ${peersDir}`);
  console.log('"ours vs peer" is normalised so that > 1 means ours is better (faster, or less memory).');

  const results = [];
  let failed = 0;
  for (const s of chosen) {
    console.log(`\n== ${s.name}: ${s.title}`);
    const reason = s.requires();
    if (reason !== null) {
      console.log(`  skipped: ${reason}`);
      results.push({ name: s.name, title: s.title, status: 'skipped', reason, at: new Date().toISOString() });
      continue;
    }
    const t0 = Date.now();
    try {
      const r = s.isolate ? runIsolated(s) : await s.run();
      printRows(r.rows);
      for (const n of r.notes ?? []) console.log(`  note: ${n}`);
      const seconds = (Date.now() - t0) / 1000;
      console.log(`  (section took ${seconds.toFixed(0)} s)`);
      results.push({ name: s.name, title: s.title, status: 'ok', at: new Date().toISOString(), seconds, rows: r.rows, notes: r.notes ?? [], raw: r.raw ?? null });
    } catch (e) {
      failed++;
      console.log(`  FAILED: ${e?.stack ?? e}`);
      results.push({ name: s.name, title: s.title, status: 'failed', error: String(e?.message ?? e), at: new Date().toISOString() });
    }
  }

  // ---- the one table: every row of issue 16's table, from this run's sections ----
  const summary = summaryRows(results);
  console.log('\n== summary: issue 16 (ours, the peer from this run, the ratio, the bar)');
  printSummary(summary);

  // ---- JSON: bench/results/latest.json (with --only, merged into the previous report) ----
  const outDir = path.join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, 'latest.json');
  let sections = results;
  if (only.length > 0 && existsSync(outFile)) {
    try {
      const prev = JSON.parse(readFileSync(outFile, 'utf8'));
      const byName = new Map((prev.sections ?? []).map((x) => [x.name, x]));
      for (const r of results) byName.set(r.name, r);
      sections = SECTIONS.map((s) => byName.get(s.name)).filter(Boolean);
    } catch {}
  }
  const report = { generatedAt: new Date().toISOString(), startedAt, only: only.length > 0 ? only : null, host, cacheDir, peersDir, summary, sections };
  writeFileSync(outFile, JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
  console.log(`\nreport written to ${path.relative(process.cwd(), outFile) || outFile}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
