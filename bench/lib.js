// Shared helpers of the benchmark: cached input files, the Go peers, the servers under test
// (our endpoint host, InfluxDB 1.6.7), timing, child-process measurement (wall time and peak
// RSS) and row formatting.
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const shared = path.resolve(root, '..', 'shared');
export const cacheDir = process.env.LPSTUDIO_BENCH_CACHE ?? path.join(process.env.TMPDIR || tmpdir(), 'lpstudio-bench');
export const peersDir = process.env.LP_PEERS_DIR ?? '/tmp/lp-peers';

export const TSBS_LINES = 1_000_000;
export const BIG_COPIES = 3;

// ---------------------------------------------------------------- small utilities

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Deterministic PRNG (mulberry32), so every run edits the same lines. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function log(msg) {
  process.stderr.write(`  · ${msg}\n`);
}

function sha1File(file) {
  return createHash('sha1').update(readFileSync(file)).digest('hex');
}

function readMeta(file) {
  try {
    return JSON.parse(readFileSync(`${file}.meta.json`, 'utf8'));
  } catch {
    return null;
  }
}

function sizeOf(file) {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

// ---------------------------------------------------------------- input files (cached)

/**
 * A TSBS cpu-only file (1M lines unless told), generated once into the cache and reused while its size matches
 * the size recorded when it was made by the same generator script.
 */
export function ensureTsbs(lines = TSBS_LINES) {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `tsbs-cpu-${lines}.lp`);
  const gen = path.join(shared, 'bench/gen-tsbs-cpu.py');
  const genHash = sha1File(gen);
  const meta = readMeta(file);
  if (meta !== null && meta.genHash === genHash && meta.lines === lines && sizeOf(file) === meta.bytes && meta.bytes > 0) return file;
  log(`generating ${file} (${lines.toLocaleString('en')} lines, ~${Math.round(lines * 350e-6)} MB) …`);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const r = spawnSync('python3', [gen, String(lines)], { stdio: ['ignore', fd, 'inherit'] });
    if (r.status !== 0) throw new Error(`gen-tsbs-cpu.py failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''})`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  writeFileSync(`${file}.meta.json`, JSON.stringify({ lines, bytes: sizeOf(file), genHash }) + '\n');
  return file;
}

/** The ~1 GB file for `lpstudio lint`: the TSBS file concatenated BIG_COPIES times. */
export function ensureBig() {
  const src = ensureTsbs();
  const file = path.join(cacheDir, `tsbs-cpu-${TSBS_LINES}-x${BIG_COPIES}.lp`);
  const want = sizeOf(src) * BIG_COPIES;
  if (sizeOf(file) === want) return file;
  log(`making ${file} (${BIG_COPIES} copies, ${(want / 1e9).toFixed(2)} GB) …`);
  const tmp = `${file}.tmp-${process.pid}`;
  execFileSync('sh', ['-c', 'f="$1"; o="$2"; shift 2; for i in "$@"; do cat "$f"; done > "$o"', 'sh', src, tmp, ...Array.from({ length: BIG_COPIES }, (_, i) => String(i))]);
  renameSync(tmp, file);
  return file;
}

// ---------------------------------------------------------------- peers

/** Builds parse-peer and lpload (and installs influxd) with ../shared/bench/build-peers.sh when missing. */
export function ensurePeers({ influxd = false } = {}) {
  const have = existsSync(path.join(peersDir, 'parse-peer')) && existsSync(path.join(peersDir, 'lpload'));
  const haveInfluxd = !influxd || commandExists('influxd');
  if (!have || !haveInfluxd) {
    log(`building peers into ${peersDir} (../shared/bench/build-peers.sh; installs Debian Go + InfluxDB) …`);
    const r = spawnSync('bash', [path.join(shared, 'bench/build-peers.sh'), peersDir], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`build-peers.sh failed with status ${r.status}`);
  }
  return peersDir;
}

export function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** GNU time (for peak RSS of child processes); installs Debian's `time` package if missing. */
export function ensureGnuTime() {
  if (existsSync('/usr/bin/time')) return '/usr/bin/time';
  log('installing Debian package "time" …');
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0 || !existsSync('/usr/bin/time')) throw new Error('cannot install GNU time (apt-get install time)');
  return '/usr/bin/time';
}

const peerCache = new Map();

/**
 * InfluxDB's Go parser over FILE (5000-line batches, best of 5), under GNU time for its peak RSS.
 * Memoised per file within one run.
 */
export async function runParsePeer(file) {
  if (peerCache.has(file)) return peerCache.get(file);
  const dir = ensurePeers();
  const r = await measureChild(path.join(dir, 'parse-peer'), [file], { keepStdout: true });
  const m = /points=(\d+) bytes=(\d+) best=([\d.]+)s\s+(\d+) points\/s\s+([\d.]+) MB\/s/.exec(r.stdout);
  if (r.code !== 0 || m === null) throw new Error(`parse-peer failed (exit ${r.code}): ${r.stdout.trim()} ${r.stderr.trim()}`);
  const out = {
    points: Number(m[1]),
    bytes: Number(m[2]),
    seconds: Number(m[3]),
    pointsPerS: Number(m[1]) / Number(m[3]),
    mbPerS: Number(m[2]) / Number(m[3]) / 1e6,
    peakRssBytes: r.peakRssBytes,
    line: r.stdout.trim(),
  };
  peerCache.set(file, out);
  return out;
}

// ---------------------------------------------------------------- servers under test

/**
 * Forks our endpoint host (`host`, default dist/cli/endpoint-host.js, as `lpstudio serve` runs
 * it). `call(msg)` sends one control message and resolves with its reply (rejects on an error
 * reply, or after 120 s without one). `execArgv`, when given, replaces the inherited node flags.
 */
export function forkEndpointHost({ host = path.join(root, 'dist/cli/endpoint-host.js'), execArgv } = {}) {
  const child = fork(host, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], ...(execArgv ? { execArgv } : {}) });
  let id = 0;
  const call = (msg) =>
    new Promise((resolve, reject) => {
      const myId = ++id;
      const timer = setTimeout(() => reject(new Error(`no reply to ${msg.type}`)), 120_000);
      const on = (m) => {
        if (m.type !== 'reply' || m.id !== myId) return;
        clearTimeout(timer);
        child.off('message', on);
        m.ok ? resolve(m) : reject(new Error(m.error));
      };
      child.on('message', on);
      child.send({ ...msg, id: myId });
    });
  return { child, call };
}

/**
 * Starts InfluxDB 1.6.7 on 127.0.0.1:`port` with a fresh data dir, fsync on every write and
 * database "bench" (../shared/bench/start-influxd.sh). stop() kills it and removes its dir.
 */
export function startInfluxd(port) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-influxd-'));
  let pid;
  try {
    pid = Number(execFileSync('bash', [path.join(shared, 'bench/start-influxd.sh'), String(port), dir], { encoding: 'utf8' }).trim());
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    pid,
    dir,
    url: `http://127.0.0.1:${port}`,
    stop() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Go client `lpload` posting FILE to URL (-workers 4 -batch 5000); its summary line, parsed. */
export function lpload(lpBin, url, file, token) {
  const args = ['-url', url, '-file', file, '-workers', '4', '-batch', '5000'];
  if (token) args.push('-token', token);
  const r = spawnSync(lpBin, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const m = /lines=(\d+) batches=(\d+) failed=(\d+) seconds=([\d.]+) points_per_s=(\d+)/.exec(r.stdout);
  if (m === null) throw new Error(`lpload failed: ${r.stdout} ${r.stderr}`);
  return { lines: Number(m[1]), batches: Number(m[2]), failed: Number(m[3]), seconds: Number(m[4]), pointsPerS: Number(m[5]), stderr: r.stderr.trim() };
}

// ---------------------------------------------------------------- child processes

/**
 * Runs a command under GNU time and returns exit code, wall seconds, peak RSS and (optionally)
 * stdout; with keepStdout false only the last line of stdout is kept (lint prints its summary last).
 */
export function measureChild(cmd, args, { keepStdout = false, cwd = root } = {}) {
  const time = ensureGnuTime();
  const timeOut = path.join(cacheDir, `time-${process.pid}-${Date.now()}.txt`);
  mkdirSync(cacheDir, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(time, ['-f', '%M %e %x', '-o', timeOut, cmd, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // stdout is kept as bytes (only its tail unless keepStdout), so a child printing millions of
    // diagnostics costs the bench little; its volume is counted.
    let outChunks = [];
    let outTail = Buffer.alloc(0);
    let outBytes = 0;
    let err = '';
    child.stdout.on('data', (d) => {
      outBytes += d.length;
      if (keepStdout) outChunks.push(d);
      else outTail = outTail.length + d.length <= 16384 ? Buffer.concat([outTail, d]) : Buffer.concat([outTail, d]).subarray(-8192);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      err += d;
      if (err.length > 65536) err = err.slice(-8192);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      let peakKb = NaN;
      let wall = NaN;
      try {
        const parts = readFileSync(timeOut, 'utf8').trim().split('\n').pop().split(' ');
        peakKb = Number(parts[0]);
        wall = Number(parts[1]);
      } catch {}
      rmSync(timeOut, { force: true });
      const out = (keepStdout ? Buffer.concat(outChunks) : outTail).toString('utf8');
      const lines = out.trimEnd().split('\n');
      resolve({ code, seconds: wall, peakRssBytes: peakKb * 1024, stdout: keepStdout ? out : lines[lines.length - 1] ?? '', stdoutBytes: outBytes, stderr: err });
    });
  });
}

// ---------------------------------------------------------------- rows

/**
 * A result row. `ours` and `peer` are numbers in `unit`; `better` says which direction is better
 * ('higher' for throughput, 'lower' for times and memory); `ratio` is ours vs peer normalised so
 * that > 1 means ours is better; `target` is { text, pass }. `id`, when given, is the row's stable
 * name in the summary table (bench/summary.js), which picks rows up by it.
 */
export function row(name, { id = null, ours, unit, peer = null, peerName = null, better = 'higher', target = null, note = null, digits }) {
  let ratio = null;
  if (peer !== null && Number.isFinite(peer) && Number.isFinite(ours) && ours > 0 && peer > 0) ratio = better === 'higher' ? ours / peer : peer / ours;
  return { id, name, ours, unit, peer, peerName, better, ratio, target, note, digits };
}

export function fmtNum(v, digits) {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (digits !== undefined) return v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en');
  if (Math.abs(v) >= 100) return v.toFixed(1);
  if (Math.abs(v) >= 10) return v.toFixed(2);
  return v.toFixed(3);
}

export const MB = (bytes) => bytes / 1e6;
