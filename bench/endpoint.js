// Benchmark section: write throughput of our endpoint vs InfluxDB 1.6.7, both loaded by the same
// Go client (lpload -workers 4 -batch 5000) with the same 1M-line TSBS file, both fsyncing every
// write, in the same run. Reports points/s, the ratio, our p99 request latency and peak RSS, and
// bytes on disk of each after the load.
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.resolve(root, '..', 'shared');

function lpload(lpBin, url, file, token) {
  const args = ['-url', url, '-file', file, '-workers', '4', '-batch', '5000'];
  if (token) args.push('-token', token);
  const r = spawnSync(lpBin, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const m = /lines=(\d+) batches=(\d+) failed=(\d+) seconds=([\d.]+) points_per_s=(\d+)/.exec(r.stdout);
  if (m === null) throw new Error(`lpload failed: ${r.stdout} ${r.stderr}`);
  return { lines: Number(m[1]), failed: Number(m[3]), seconds: Number(m[4]), pointsPerS: Number(m[5]), stderr: r.stderr.trim() };
}

function du(dir) {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

function vmHwmBytes(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function control(child) {
  let id = 0;
  const durations = [];
  child.on('message', (m) => {
    if (m.type === 'request' && m.entry.path === '/write') durations.push(m.entry.durationMs);
  });
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
  return { call, durations };
}

function p99(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

export async function endpointSection({ tsbsFile, peersDir }) {
  const lpBin = path.join(peersDir, 'lpload');
  const rows = [];
  // ---- ours ----
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-endpoint-'));
  const token = 'bench-token-0123456789abcdef';
  const child = fork(path.join(root, 'dist/cli/endpoint-host.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const { call, durations } = control(child);
  let ours;
  try {
    const started = await call({ type: 'start', options: { dataDir, port: 0, token } });
    ours = lpload(lpBin, `${started.url}/write?db=default`, tsbsFile, token);
    // lpload ran synchronously; a round trip delivers the request events queued meanwhile.
    await call({ type: 'stats' });
    ours.p99 = p99(durations);
    ours.requests = durations.length;
    ours.rss = vmHwmBytes(child.pid);
    ours.disk = du(dataDir);
    await call({ type: 'stop' });
    ours.diskAfterStop = du(dataDir);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  // ---- InfluxDB 1.6.7 ----
  const influxDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-influxd-'));
  const pid = Number(execFileSync('bash', [path.join(shared, 'bench/start-influxd.sh'), '18086', influxDir], { encoding: 'utf8' }).trim());
  let peer;
  try {
    peer = lpload(lpBin, 'http://127.0.0.1:18086/write?db=bench', tsbsFile);
    peer.rss = vmHwmBytes(pid);
    peer.disk = du(path.join(influxDir, 'data')) + du(path.join(influxDir, 'wal'));
  } finally {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
    rmSync(influxDir, { recursive: true, force: true });
  }
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  rows.push(
    { name: 'endpoint write, ours (lpload -workers 4 -batch 5000, fsync per write)', value: `${ours.pointsPerS.toLocaleString('en')} points/s`, failed: ours.failed },
    { name: 'endpoint write, InfluxDB 1.6.7 (same client, wal-fsync-delay 0s)', value: `${peer.pointsPerS.toLocaleString('en')} points/s`, failed: peer.failed },
    { name: 'ratio ours / InfluxDB (target >= 1.0, aim 2.0)', value: `${(ours.pointsPerS / peer.pointsPerS).toFixed(2)}x` },
    { name: 'our p99 request latency', value: `${ours.p99} ms` },
    { name: 'peak RSS ours / InfluxDB', value: `${mb(ours.rss)} / ${mb(peer.rss)}` },
    { name: 'bytes on disk after the load, ours / InfluxDB', value: `${mb(ours.disk)} / ${mb(peer.disk)} (ours after stop and compaction: ${mb(ours.diskAfterStop)})` },
  );
  return { rows, raw: { ours, peer } };
}
