// Benchmark section: InfluxQL read speed of our endpoint vs InfluxDB 1.6.7 in the same run. The
// same 1M-line TSBS file is written to both (lpload -workers 4 -batch 5000), then
// `SELECT mean(usage_user) … GROUP BY time(1m), hostname` over all of it (1000 hosts × ~167
// windows) is asked RUNS times of each over HTTP /query; a run is timed from the request to the
// last byte of the answer, right after the load (both still compacting) and, for ours, again
// after a restart. Reports the median of each, the ratio, and checks that both answers have the
// same series and rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forkEndpointHost, lpload, median, row, startInfluxd } from './lib.js';

const RUNS = 5;
// gen-tsbs-cpu.py: t0 = 2016-01-01T00:00:00Z, 1000 hosts, one line per host every 10 s.
const QUERY = "SELECT mean(usage_user) FROM cpu WHERE time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T03:00:00Z' GROUP BY time(1m), hostname";

/** Loads FILE with lpload; throws when a batch failed (the two answers would not compare). */
function load(lpBin, url, file, token) {
  const r = lpload(lpBin, url, file, token);
  if (r.failed !== 0) throw new Error(`lpload: ${r.failed} of ${r.batches} batches failed ${r.stderr}`);
  return r.lines;
}

/** Runs the query `runs` times after one warm-up; the durations (ms) and the last answer's shape. */
async function timeQuery(url, headers, runs) {
  const ms = [];
  let shape = null;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.text();
    const t = performance.now() - t0;
    if (res.status !== 200) throw new Error(`query answered ${res.status}: ${body.slice(0, 300)}`);
    const json = JSON.parse(body);
    const r0 = json.results?.[0];
    if (r0?.error) throw new Error(`query failed: ${r0.error}`);
    const series = r0?.series ?? [];
    shape = { series: series.length, rows: series.reduce((n, s) => n + s.values.length, 0), bytes: body.length, first: series[0]?.values?.[1] ?? null };
    if (i > 0) ms.push(t);
  }
  return { ms, shape };
}

export async function querySection({ tsbsFile, peersDir }) {
  const lpBin = path.join(peersDir, 'lpload');
  const q = encodeURIComponent(QUERY);
  // ---- ours ----
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-query-'));
  const token = 'bench-token-0123456789abcdef';
  const { child, call } = forkEndpointHost();
  let ours;
  let settled;
  try {
    const started = await call({ type: 'start', options: { dataDir, port: 0, token } });
    load(lpBin, `${started.url}/write?db=default`, tsbsFile, token);
    ours = await timeQuery(`${started.url}/query?db=default&q=${q}`, { Authorization: `Token ${token}` }, RUNS);
    // Again once the store has settled: stopped (which compacts what is in memory) and started.
    await call({ type: 'stop' });
    const again = await call({ type: 'start', options: { dataDir, port: 0, token } });
    settled = await timeQuery(`${again.url}/query?db=default&q=${q}`, { Authorization: `Token ${token}` }, RUNS);
    await call({ type: 'stop' });
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  // ---- InfluxDB 1.6.7 ----
  const influxd = startInfluxd(18186);
  let peer;
  try {
    load(lpBin, `${influxd.url}/write?db=bench`, tsbsFile);
    peer = await timeQuery(`${influxd.url}/query?db=bench&q=${q}`, {}, RUNS);
  } finally {
    influxd.stop();
  }
  const same = ours.shape.series === peer.shape.series && ours.shape.rows === peer.shape.rows;
  const o = median(ours.ms);
  const p = median(peer.ms);
  const rows = [
    row(`mean(usage_user) GROUP BY time(1m), hostname over 1M points (median of ${RUNS})`, {
      ours: o,
      unit: 'ms',
      peer: p,
      peerName: 'InfluxDB 1.6.7 /query (same data, same query, same run)',
      better: 'lower',
      digits: 0,
      target: { text: '≥ 1.0x peer', pass: o <= p },
      note: `runs ours ${ours.ms.map((x) => x.toFixed(0)).join('/')} ms, peer ${peer.ms.map((x) => x.toFixed(0)).join('/')} ms; answer ${ours.shape.series} series, ${ours.shape.rows} rows, ${(ours.shape.bytes / 1e6).toFixed(1)} MB (peer ${peer.shape.series} series, ${peer.shape.rows} rows, ${(peer.shape.bytes / 1e6).toFixed(1)} MB)`,
    }),
    row(`the same after a restart of ours (store compacted; peer as above)`, {
      ours: median(settled.ms),
      unit: 'ms',
      peer: p,
      peerName: 'InfluxDB 1.6.7 /query (same data, same query, same run)',
      better: 'lower',
      digits: 0,
      note: `runs ours ${settled.ms.map((x) => x.toFixed(0)).join('/')} ms`,
    }),
  ];
  const notes = [same ? 'both answers have the same series and row counts' : 'WARNING: the answers differ in series or row counts'];
  return { rows, notes, raw: { query: QUERY, ours, settled, peer } };
}
