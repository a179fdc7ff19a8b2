// Section "parser": throughput of our engine vs InfluxDB's Go parser on the same 1M-line TSBS file,
// in the same run. Both work over 5000-line batches; each of our batches is a string decoded from
// the file's Buffer with buf.toString('utf8', start, end), as the endpoint receives bodies, and the
// decoding is inside the timed loop. Best of 5 for each.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTsbs, log, MB, nowMs, root, row, runParsePeer } from './lib.js';

const BATCH_LINES = 5000;
const RUNS = 5;

/** Offsets [start, end) of consecutive 5000-line batches (as parse-peer splits the file). */
export function batchOffsets(buf, lines = BATCH_LINES) {
  const out = [];
  let start = 0;
  let n = 0;
  for (let i = buf.indexOf(10, 0); i >= 0; i = buf.indexOf(10, i + 1)) {
    if (++n % lines === 0) {
      out.push(start, i + 1);
      start = i + 1;
    }
  }
  if (start < buf.length) out.push(start, buf.length);
  return out;
}

/** One timed pass over all batches; returns { ms, points, errors }. */
function pass(LineProtocolParser, buf, offsets, build, withBytes) {
  let points = 0;
  let errors = 0;
  const sink = build
    ? { point: () => void points++, error: () => void errors++ }
    : { error: () => void errors++ };
  const t0 = nowMs();
  for (let b = 0; b < offsets.length; b += 2) {
    const start = offsets[b];
    const end = offsets[b + 1];
    const text = buf.toString('utf8', start, end);
    const parser = new LineProtocolParser({ warnings: false }, sink, build);
    if (withBytes) {
      const bytes = buf.subarray(start, end);
      parser.run(text, true, 0, 1, text.length === bytes.length ? bytes : undefined);
    } else parser.run(text, true);
    const s = parser.end();
    if (!build) points += s.points;
  }
  return { ms: nowMs() - t0, points, errors };
}

function bestOf(runs, fn) {
  let best = null;
  const all = [];
  for (let r = 0; r < runs; r++) {
    const x = fn();
    all.push(x.ms);
    if (best === null || x.ms < best.ms) best = x;
  }
  return { ...best, allMs: all };
}

export async function parserSection() {
  const file = ensureTsbs();
  const { LineProtocolParser } = await import(pathToFileURL(path.join(root, 'dist/lineprotocol/parse.js')).href);

  log('parse-peer (InfluxDB Go parser, best of 5) …');
  const peer = await runParsePeer(file);

  const buf = readFileSync(file);
  const offsets = batchOffsets(buf);
  const bytes = buf.length;
  const variants = [
    // The endpoint and lint hand the engine each body's bytes with its text (byte scanner for ASCII).
    { key: 'full', name: 'full parse, typed values, from body bytes (endpoint, lint)', build: true, withBytes: true },
    { key: 'validate', name: 'validate only, from body bytes', build: false, withBytes: true },
    { key: 'fullString', name: 'full parse, typed values, from a JS string only (editor)', build: true, withBytes: false },
  ];
  const results = {};
  for (const v of variants) {
    log(`ours: ${v.name}, best of ${RUNS} …`);
    const r = bestOf(RUNS, () => pass(LineProtocolParser, buf, offsets, v.build, v.withBytes));
    if (r.points !== peer.points || r.errors !== 0) throw new Error(`${v.key}: ${r.points} points and ${r.errors} errors (peer: ${peer.points} points)`);
    results[v.key] = { ...r, pointsPerS: r.points / (r.ms / 1000), mbPerS: MB(bytes) / (r.ms / 1000) };
  }

  const rows = [];
  const target = (x) => ({ text: '≥ 1.0x peer (aim 2x)', pass: x.pointsPerS >= peer.pointsPerS });
  for (const v of variants) {
    const r = results[v.key];
    const label = v.key === 'fullString' ? `${v.name} [extra]` : v.name;
    rows.push(
      row(`ours ${label}`, { ours: r.pointsPerS, unit: 'points/s', peer: peer.pointsPerS, peerName: 'Go models', target: v.key === 'full' ? target(r) : v.key === 'validate' ? { text: '≥ 1.0x peer', pass: r.pointsPerS >= peer.pointsPerS } : null }),
      row(`  same, MB/s`, { ours: r.mbPerS, unit: 'MB/s', peer: peer.mbPerS, peerName: 'Go models', digits: 1 }),
    );
  }
  rows.push(row('peer: InfluxDB Go parser (parse-peer), best of 5', { ours: peer.pointsPerS, unit: 'points/s', note: `${peer.mbPerS.toFixed(1)} MB/s, ${peer.seconds.toFixed(3)} s for ${peer.points.toLocaleString('en')} points` }));
  return {
    rows,
    notes: [
      `input: ${file} (${peer.points.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(1)} MB), ${offsets.length / 2} batches of ${BATCH_LINES} lines`,
      'ours: a fresh LineProtocolParser per batch, warnings off, batch decoded with buf.toString inside the timed loop; the Go peer parses []byte batches directly',
    ],
    raw: {
      file,
      bytes,
      batches: offsets.length / 2,
      peer,
      ours: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { bestMs: r.ms, allMs: r.allMs, points: r.points, pointsPerS: r.pointsPerS, mbPerS: r.mbPerS }])),
      ratios: {
        full: results.full.pointsPerS / peer.pointsPerS,
        validate: results.validate.pointsPerS / peer.pointsPerS,
        fullString: results.fullString.pointsPerS / peer.pointsPerS,
      },
    },
  };
}
