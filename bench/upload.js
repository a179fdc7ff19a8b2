// Section "upload": `lpstudio write` as a child process uploading a TSBS file (600k lines, ~210 MB,
// from ../shared's generator: distinct points, as a real file has; issue 16's row) to a fresh embedded endpoint (dist/cli/endpoint-host.js, as `lpstudio serve` runs it): MB/s,
// points/s and the uploader's peak RSS (GNU time). The peer, in the same run, is `lpload` (Go,
// ../shared/bench) posting the same file in the same 5000-line batches to another fresh endpoint,
// with as many workers as our uploader has requests in flight (2, its default), so both are limited by the
// same server. LPSTUDIO_BENCH_UPLOAD_FILE swaps in a smaller file while iterating.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensurePeers, ensureTsbs, forkEndpointHost, log, MB, measureChild, root, row } from './lib.js';

/** Lines of the uploaded file, and the bar of issue 16 for `lpstudio write` with gzip. */
const UPLOAD_LINES = 600_000;
export const UPLOAD_BAR_MBPS = 60;

const TOKEN = 'bench-token-0123456789abcdef';

/** A fresh endpoint in a child process; resolves with its URL and a stop(). */
async function startEndpoint() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-upload-'));
  const { child, call } = forkEndpointHost();
  const started = await call({ type: 'start', options: { dataDir, port: 0, token: TOKEN } });
  return {
    url: started.url,
    async stop() {
      try {
        await call({ type: 'stop' });
      } catch {}
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function uploadSection() {
  const file = process.env.LPSTUDIO_BENCH_UPLOAD_FILE ?? ensureTsbs(UPLOAD_LINES);
  const bytes = statSync(file).size;
  const peersDir = ensurePeers();
  const cli = path.join(root, 'bin/lpstudio.js');
  const rows = [];
  const raw = { file, bytes };

  // ---- ours: lpstudio write (gzip on the wire, its default) ----
  let ours;
  let ep = await startEndpoint();
  try {
    log(`lpstudio write ${(bytes / 1e9).toFixed(2)} GB → ${ep.url} …`);
    const m = await measureChild(process.execPath, [cli, 'write', file, '--url', ep.url, '--db', 'default', '--token', TOKEN, '--batch', '5000'], { keepStdout: true });
    const done = /^(done|cancelled): ([\d,]+) points written in (\d+) batches/m.exec(m.stdout);
    if (m.code !== 0 || done === null) throw new Error(`lpstudio write exited ${m.code}: ${m.stdout.trim().slice(-500)} ${m.stderr.trim().slice(-1500)}`);
    ours = { seconds: m.seconds, points: Number(done[2].replace(/,/g, '')), batches: Number(done[3]), peakRssBytes: m.peakRssBytes, report: m.stdout.trim() };
  } finally {
    await ep.stop();
  }
  // ---- ours without gzip (same as the peer on the wire) ----
  let plain;
  ep = await startEndpoint();
  try {
    log('lpstudio write --no-gzip …');
    const m = await measureChild(process.execPath, [cli, 'write', file, '--url', ep.url, '--db', 'default', '--token', TOKEN, '--batch', '5000', '--no-gzip'], { keepStdout: true });
    const done = /^(done|cancelled): ([\d,]+) points written in (\d+) batches/m.exec(m.stdout);
    if (m.code !== 0 || done === null) throw new Error(`lpstudio write --no-gzip exited ${m.code}: ${m.stdout.trim().slice(-500)} ${m.stderr.trim().slice(-1500)}`);
    plain = { seconds: m.seconds, points: Number(done[2].replace(/,/g, '')), peakRssBytes: m.peakRssBytes, report: m.stdout.trim() };
  } finally {
    await ep.stop();
  }
  // ---- peer: lpload -workers 2 -batch 5000 (plain text on the wire) ----
  let peer;
  ep = await startEndpoint();
  try {
    log('lpload -workers 2 -batch 5000 (peer) …');
    const m = await measureChild(path.join(peersDir, 'lpload'), ['-url', `${ep.url}/write?db=default`, '-file', file, '-workers', '2', '-batch', '5000', '-token', TOKEN], { keepStdout: true });
    const r = /lines=(\d+) batches=(\d+) failed=(\d+) seconds=([\d.]+) points_per_s=(\d+)/.exec(m.stdout);
    if (m.code !== 0 || r === null) throw new Error(`lpload exited ${m.code}: ${m.stdout.trim()} ${m.stderr.trim().slice(-1500)}`);
    peer = { seconds: m.seconds, points: Number(r[1]) - Number(r[3]) * 5000, failed: Number(r[3]), peakRssBytes: m.peakRssBytes, line: m.stdout.trim() };
  } finally {
    await ep.stop();
  }
  Object.assign(raw, { ours, plain, peer });

  const mbps = (x) => MB(bytes) / x.seconds;
  rows.push(
    row('lpstudio write (gzip): throughput', {
      id: 'upload-gzip',
      ours: mbps(ours), unit: 'MB/s', peer: mbps(peer), peerName: 'lpload -workers 2 (no gzip)', digits: 1,
      target: { text: `≥ ${UPLOAD_BAR_MBPS} MB/s`, pass: mbps(ours) >= UPLOAD_BAR_MBPS },
      note: `${ours.seconds.toFixed(1)} s wall, ${ours.points.toLocaleString('en')} points in ${ours.batches} batches, ${Math.round(ours.points / ours.seconds).toLocaleString('en')} points/s`,
    }),
    row('lpstudio write --no-gzip: throughput', {
      ours: mbps(plain), unit: 'MB/s', peer: mbps(peer), peerName: 'lpload -workers 2', digits: 1,
      note: `${plain.seconds.toFixed(1)} s wall, ${plain.points.toLocaleString('en')} points; peer ${peer.points.toLocaleString('en')} points, ${peer.failed} failed batches`,
    }),
    row('lpstudio write (gzip): uploader peak RSS', {
      ours: MB(ours.peakRssBytes), unit: 'MB', better: 'lower', peer: MB(peer.peakRssBytes), peerName: 'lpload (reads the whole file)', digits: 1,
      target: { text: '< 200 MB', pass: MB(ours.peakRssBytes) < 200 },
      note: `--no-gzip: ${MB(plain.peakRssBytes).toFixed(1)} MB`,
    }),
  );
  return {
    rows,
    raw,
    notes: [
      `input: ${file} (${(bytes / 1e9).toFixed(3)} GB)`,
      'each run against its own fresh embedded endpoint (dist/cli/endpoint-host.js, fsync per write), token auth, /write?db=default, 5000-line batches, two requests in flight',
      'wall times and peak RSS from GNU time around the client process only (the endpoint is a separate process)',
    ],
  };
}
