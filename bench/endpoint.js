// Benchmark section: write throughput of our endpoint vs InfluxDB 1.6.7, both loaded by the same
// Go client (lpload -workers 4 -batch 5000) with the same 1M-line TSBS file, both fsyncing every
// write, in the same run. The two alternate (ours, InfluxDB, ours, InfluxDB, …:
// LPSTUDIO_BENCH_ENDPOINT_ROUNDS rounds, default 2), each on a fresh data directory, so a
// neighbour's load on this shared machine hits both alike; each side's best round counts.
// Reports points/s, the ratio, our p50/p99 request latency (from the endpoint's request log;
// lpload reports no per-request times, so InfluxDB has none), peak RSS and bytes on disk after the load.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forkEndpointHost, log, lpload, root, row, startInfluxd } from './lib.js';

/** The bar of issue 16: our points/s at least this many times InfluxDB's, in the same run. */
export const ENDPOINT_BAR = 1.5;

function du(dir) {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

function vmHwmBytes(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(after[11]) + Number(after[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))];
}

/**
 * One load of our endpoint: a fresh data dir, the endpoint host process (`host`, default
 * dist/cli/endpoint-host.js, as `lpstudio serve` runs it), lpload, then a clean stop.
 */
export async function loadOurs({ lpBin, tsbsFile, host = path.join(root, 'dist/cli/endpoint-host.js') }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-endpoint-'));
  const token = 'bench-token-0123456789abcdef';
  const { child, call } = forkEndpointHost({ host, execArgv: process.env.LPSTUDIO_BENCH_HOST_ARGS?.split(' ').filter(Boolean) ?? [] });
  const durations = [];
  child.on('message', (m) => {
    if (m.type === 'request' && m.entry.path === '/write') durations.push(m.entry.durationMs);
  });
  try {
    const started = await call({ type: 'start', options: { dataDir, port: 0, token } });
    const cpu0 = cpuSeconds(child.pid);
    const ours = lpload(lpBin, `${started.url}/write?db=default`, tsbsFile, token);
    // lpload ran synchronously; a round trip delivers the request events queued meanwhile.
    await call({ type: 'stats' });
    ours.cpuSeconds = cpuSeconds(child.pid) - cpu0;
    ours.p50 = percentile(durations, 50);
    ours.p99 = percentile(durations, 99);
    ours.requests = durations.length;
    ours.rss = vmHwmBytes(child.pid);
    ours.disk = du(dataDir);
    await call({ type: 'stop' });
    ours.diskAfterStop = du(dataDir);
    // The host exits when its channel closes (a --cpu-prof in LPSTUDIO_BENCH_HOST_ARGS is then written).
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.disconnect();
    });
    return ours;
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One load of InfluxDB 1.6.7 (fresh data dir, fsync on every write). */
function loadInfluxd({ lpBin, tsbsFile }) {
  const influxd = startInfluxd(18086);
  try {
    const peer = lpload(lpBin, `${influxd.url}/write?db=bench`, tsbsFile);
    peer.rss = vmHwmBytes(influxd.pid);
    peer.disk = du(path.join(influxd.dir, 'data')) + du(path.join(influxd.dir, 'wal'));
    return peer;
  } finally {
    influxd.stop();
  }
}

const best = (runs) => runs.reduce((a, b) => (b.pointsPerS > a.pointsPerS ? b : a));

export async function endpointSection({ tsbsFile, peersDir }) {
  const lpBin = path.join(peersDir, 'lpload');
  const rounds = Math.max(1, Number(process.env.LPSTUDIO_BENCH_ENDPOINT_ROUNDS ?? 2));
  const oursRuns = [];
  const peerRuns = [];
  for (let i = 0; i < rounds; i++) {
    log(`round ${i + 1}/${rounds}: ours …`);
    oursRuns.push(await loadOurs({ lpBin, tsbsFile }));
    log(`round ${i + 1}/${rounds}: InfluxDB 1.6.7 …`);
    peerRuns.push(loadInfluxd({ lpBin, tsbsFile }));
  }
  const ours = best(oursRuns);
  const peer = best(peerRuns);
  const ratio = ours.pointsPerS / peer.pointsPerS;
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  const each = (runs) => runs.map((r) => Math.round(r.pointsPerS).toLocaleString('en')).join(', ');
  const rows = [
    row('endpoint write, lpload -workers 4 -batch 5000, fsync per write (best round)', {
      id: 'endpoint-ingest',
      ours: ours.pointsPerS,
      unit: 'points/s',
      peer: peer.pointsPerS,
      peerName: 'InfluxDB 1.6.7 (same client, wal-fsync-delay 0s)',
      target: { text: `≥ ${ENDPOINT_BAR}x InfluxDB`, pass: ratio >= ENDPOINT_BAR },
      note: `rounds, ours: ${each(oursRuns)}; InfluxDB: ${each(peerRuns)} points/s; failed batches ours ${ours.failed}, InfluxDB ${peer.failed}; our endpoint's CPU: ${ours.cpuSeconds.toFixed(1)} s for ${ours.lines.toLocaleString('en')} points`,
    }),
    row('  our request latency p50 (/write, as the request log times it)', { id: 'endpoint-p50', ours: ours.p50, unit: 'ms', better: 'lower', digits: 1 }),
    row('  our request latency p99', { id: 'endpoint-p99', ours: ours.p99, unit: 'ms', better: 'lower', digits: 1, note: `${ours.requests} requests` }),
    row('  peak RSS', { id: 'endpoint-rss', ours: ours.rss / 1e6, unit: 'MB', better: 'lower', peer: peer.rss / 1e6, digits: 1 }),
    row('  bytes on disk after the load', {
      ours: ours.disk / 1e6,
      unit: 'MB',
      better: 'lower',
      peer: peer.disk / 1e6,
      digits: 1,
      note: `ours after stop and compaction: ${mb(ours.diskAfterStop)}`,
    }),
  ];
  return { rows, raw: { oursRuns, peerRuns, ratio } };
}
