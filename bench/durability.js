// Sections "crash" and "soak": what the endpoint promises about acknowledged writes, measured
// against real `lpstudio serve` processes (bench/crash-load.js, shared with the crash test).
//
// crash: kill -9 under 4 concurrent writers, round after round (100 by default; --rounds N or
//   LPSTUDIO_BENCH_CRASH_ROUNDS), each round starting on the data dir the last one crashed on;
//   every 10th round and at the end the store is read back. Reports rounds, acknowledged points,
//   lost points (must be 0), phantom and torn batches (must be 0).
// soak: 10 minutes by default (--minutes N or LPSTUDIO_BENCH_SOAK_MINUTES): 4 writers whose
//   requests time out at random (aborted mid-request), a reader paging through the data browser's
//   app API, the store's own compactions, and a kill -9 with restart every 60 s. Samples the
//   server's RSS and open file descriptors (/proc/PID/status, /proc/PID/fd) every 2 s and times
//   /ping every 50 ms from a thread of its own (bench/pinger.js); at the end reads the store back: acknowledged points lost must be 0.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { audit, CRASH_TOKEN, LINES_PER_BATCH, load, readBatches, startServe, stopped } from './crash-load.js';
import { log, row } from './lib.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const num = (v, dflt) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : dflt);

export async function crashSection() {
  const rounds = Math.min(1000, Math.floor(num(process.env.LPSTUDIO_BENCH_CRASH_ROUNDS, 100)));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-crash-'));
  const acked = new Set();
  const attempted = new Set();
  let firstBatch = 0;
  const bad = { lost: new Set(), phantom: new Set(), torn: new Set() };
  let audits = 0;
  const t0 = Date.now();
  let current = null;
  try {
    for (let round = 1; round <= rounds; round++) {
      const s = await startServe(dataDir); // recovery from the previous round's crash
      current = s.proc;
      let killed = false;
      const loading = load(s.url, { firstBatch, acked, attempted, stop: () => killed });
      await sleep(150 + Math.floor(Math.random() * 450));
      s.proc.kill('SIGKILL');
      killed = true;
      await stopped(s.proc);
      await loading;
      firstBatch += 100_000;
      if (round % 10 === 0 || round === rounds) {
        const stored = await readBatches(dataDir);
        const a = audit(stored, acked, attempted);
        audits++;
        for (const k of ['lost', 'phantom', 'torn']) for (const b of a[k]) bad[k].add(b);
        log(`crash: round ${round}/${rounds}: ${acked.size} batches acknowledged, ${bad.lost.size} lost, ${bad.phantom.size} phantom, ${bad.torn.size} torn`);
      }
    }
  } finally {
    current?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - t0) / 1000;
  return {
    rows: [
      row('rounds (kill -9 under 4 writers)', { ours: rounds, unit: '', digits: 0 }),
      row('acknowledged points', { ours: acked.size * LINES_PER_BATCH, unit: '', digits: 0, note: `${acked.size} batches of ${LINES_PER_BATCH}; store read back ${audits} times (every 10th round and at the end)` }),
      row('acknowledged points lost', { ours: bad.lost.size * LINES_PER_BATCH, unit: '', better: 'lower', digits: 0, target: { text: '0', pass: bad.lost.size === 0 } }),
      row('batches stored but never sent, or not whole', { ours: bad.phantom.size + bad.torn.size, unit: '', better: 'lower', digits: 0, target: { text: '0', pass: bad.phantom.size + bad.torn.size === 0 } }),
      row('wall time', { ours: seconds, unit: 's', better: 'lower', digits: 0 }),
    ],
    raw: { rounds, ackedBatches: acked.size, attemptedBatches: attempted.size, lost: [...bad.lost], phantom: [...bad.phantom], torn: [...bad.torn], seconds },
  };
}

/** RSS (bytes) and open file descriptors of a process, from /proc. */
function sample(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    return { rss: kb * 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null; // it just died
  }
}

function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Signs in to the app API with the operator token; returns a caller. */
async function appApi(url) {
  const r = await fetch(`${url}/app-api/sign-in`, { method: 'POST', headers: { Origin: url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: CRASH_TOKEN }) });
  if (r.status !== 200) throw new Error(`sign-in answered ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return async (method, input) => {
    const res = await fetch(`${url}/app-api/${method}`, { method: 'POST', headers: { Origin: url, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(input) });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
}

/** Points per soak batch: enough that the store compacts by itself (1M field values) every minute or so. */
const SOAK_LINES = 200;

export async function soakSection() {
  const minutes = num(process.env.LPSTUDIO_BENCH_SOAK_MINUTES, 10);
  const killEveryMs = Math.min(60_000, (minutes * 60_000) / 2);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-soak-'));
  const acked = new Set();
  const attempted = new Set();
  const statuses = new Map();
  const samples = []; // { t, pid, rss, fds }
  const pings = [];
  let pingFailures = 0;
  let reads = 0;
  const readMs = [];
  let readFailures = 0;
  let kills = 0;
  let compactions = 0;
  let firstBatch = 0;
  const end = Date.now() + minutes * 60_000;
  const t0 = Date.now();
  let s = null;
  let result;
  try {
    while (Date.now() < end) {
      s = await startServe(dataDir);
      const server = s;
      const lifeEnd = Math.min(end, Date.now() + killEveryMs);
      let over = false;
      const writers = load(server.url, {
        firstBatch,
        acked,
        attempted,
        stop: () => over,
        abortChance: 0.1,
        pauseMs: 50, // a steady load, not a flood: the read-back at the end stays bounded
        lines: SOAK_LINES,
        onStatus: (st) => statuses.set(st, (statuses.get(st) ?? 0) + 1),
      });
      firstBatch += 10_000_000;
      const pingWorker = new Worker(new URL('./pinger.js', import.meta.url), { workerData: { url: server.url, everyMs: 50 } });
      const pinger = new Promise((resolve, reject) => {
        pingWorker.once('message', (m) => {
          pings.push(...m.pings);
          pingFailures += m.failures;
          resolve(pingWorker.terminate());
        });
        pingWorker.once('error', reject);
      });
      const reader = (async () => {
        try {
          const call = await appApi(server.url);
          const buckets = await call('listBuckets', {});
          const bucketId = buckets.find((b) => b.name === 'default').id;
          let offset = 0;
          while (!over) {
            const a = performance.now();
            const page = await call('readPoints', { bucketId, measurement: 'crash', limit: 1000, offset });
            readMs.push(performance.now() - a);
            reads++;
            offset = page.more ? offset + 1000 : 0;
            await sleep(250);
          }
        } catch {
          if (!over) readFailures++;
        }
      })();
      const sampler = (async () => {
        while (!over) {
          const x = sample(server.pid);
          if (x !== null) samples.push({ t: Date.now() - t0, pid: server.pid, ...x });
          await sleep(2000);
        }
      })();
      await sleep(Math.max(0, lifeEnd - Date.now()));
      const last = Date.now() >= end;
      // Pings stop before the kill (a ping cut by the kill is not the server's failure).
      pingWorker.postMessage('stop');
      await pinger;
      if (last) {
        over = true;
        await Promise.all([writers, pinger, reader, sampler]);
        server.proc.kill('SIGTERM');
      } else {
        server.proc.kill('SIGKILL');
        kills++;
        over = true;
      }
      await stopped(server.proc);
      await Promise.all([writers, pinger, reader, sampler]);
      compactions += (server.stderr().match(/store: compacted/g) ?? []).length;
      log(`soak: ${Math.round((Date.now() - t0) / 1000)} s, ${acked.size} batches acknowledged, ${kills} kills`);
    }
    result = audit(await readBatches(dataDir), acked, attempted, SOAK_LINES);
  } finally {
    s?.proc.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  const rss = samples.map((x) => x.rss / 1e6);
  const fds = samples.map((x) => x.fds);
  const first = samples[0];
  const lastS = samples[samples.length - 1];
  const p99 = percentile(pings, 99);
  // Each process's peak, in order: flat across the run means memory does not grow from one
  // process (and one minute of data) to the next.
  const peakByPid = new Map();
  for (const x of samples) peakByPid.set(x.pid, Math.max(peakByPid.get(x.pid) ?? 0, x.rss / 1e6));
  const peaks = [...peakByPid.values()];
  const fdPeakByPid = new Map();
  for (const x of samples) fdPeakByPid.set(x.pid, Math.max(fdPeakByPid.get(x.pid) ?? 0, x.fds));
  const fdPeaks = [...fdPeakByPid.values()];
  const statusText = [...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`).join(', ');
  return {
    rows: [
      row('duration', { ours: (Date.now() - t0) / 60_000, unit: 'min', digits: 1, note: `${kills} kill -9 with restart; ${compactions} compactions logged` }),
      row('acknowledged points', { ours: acked.size * SOAK_LINES, unit: '', digits: 0, note: `answers: ${statusText}; ${attempted.size - [...statuses.values()].reduce((a, b) => a + b, 0)} requests aborted or cut by a kill` }),
      row('acknowledged points lost', { ours: result.lost.length * SOAK_LINES, unit: '', better: 'lower', digits: 0, target: { text: '0', pass: result.lost.length === 0 } }),
      row('batches stored but never sent, or not whole', { ours: result.phantom.length + result.torn.length, unit: '', better: 'lower', digits: 0, target: { text: '0', pass: result.phantom.length + result.torn.length === 0 } }),
      row('RSS first sample', { ours: first ? first.rss / 1e6 : NaN, unit: 'MB', better: 'lower' }),
      row('RSS last sample', { ours: lastS ? lastS.rss / 1e6 : NaN, unit: 'MB', better: 'lower' }),
      row('RSS max', { ours: Math.max(...rss), unit: 'MB', better: 'lower', note: `${samples.length} samples every 2 s across ${kills + 1} processes` }),
      row('RSS peak of the last process / of the first', { ours: peaks.length > 0 ? peaks[peaks.length - 1] / peaks[0] : NaN, unit: 'x', digits: 2, better: 'lower', note: `peaks per process: ${peaks.map((x) => x.toFixed(0)).join(', ')} MB` }),
      row('open fds first sample', { ours: first?.fds ?? NaN, unit: '', better: 'lower', digits: 0 }),
      row('open fds last sample', { ours: lastS?.fds ?? NaN, unit: '', better: 'lower', digits: 0 }),
      row('open fds max', { ours: Math.max(...fds), unit: '', better: 'lower', digits: 0 }),
      row('open fds peak of the last process / of the first', { ours: fdPeaks.length > 0 ? fdPeaks[fdPeaks.length - 1] / fdPeaks[0] : NaN, unit: 'x', digits: 2, better: 'lower', note: `peaks per process: ${fdPeaks.join(', ')}` }),
      row('/ping p99 latency', { ours: p99, unit: 'ms', better: 'lower', note: `${pings.length} pings under load, p50 ${percentile(pings, 50).toFixed(2)} ms; ${pingFailures} failed outside the kills` }),
      row('data browser reads (app API readPoints, 1000-point pages)', { ours: reads, unit: '', digits: 0, note: readFailures > 0 ? `${readFailures} readers stopped by an error` : null }),
      row('data browser read p50 latency', { ours: percentile(readMs, 50), unit: 'ms', better: 'lower' }),
      row('data browser read max latency', { ours: Math.max(...readMs), unit: 'ms', better: 'lower', note: 'wall time: a read runs in slices with the event loop free in between (the /ping rows show what waits behind it)' }),
    ],
    raw: { minutes, kills, compactions, samples, pingCount: pings.length, p99, readMs, statuses: Object.fromEntries(statuses), lost: result.lost, phantom: result.phantom, torn: result.torn },
  };
}
