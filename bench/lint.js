// Section "lint": `lpstudio lint` as a child process on a ~1 GB file (the TSBS file concatenated
// 3 times), with and without warnings: wall time, MB/s and peak RSS (GNU time). The peer figure is
// InfluxDB's Go parser on the same content (the 1M-line file, in memory, best of 5) from this run.
import { statSync } from 'node:fs';
import path from 'node:path';
import { BIG_COPIES, ensureBig, ensureTsbs, log, MB, measureChild, root, row, runParsePeer, TSBS_LINES } from './lib.js';

export async function lintSection() {
  const tsbs = ensureTsbs();
  const big = ensureBig();
  const bytes = statSync(big).size;
  log('parse-peer on the TSBS file (peer figure) …');
  const peer = await runParsePeer(tsbs);

  // LPSTUDIO_BENCH_CLI points at another lpstudio entry script (e.g. an older build, to compare).
  const cli = process.env.LPSTUDIO_BENCH_CLI ?? path.join(root, 'bin/lpstudio.js');
  // The ×3 file repeats every point three times, so with warnings on it yields 2M true
  // duplicate-point warnings (~470 MB of output): that run measures reporting them. The run on
  // the 1M-line file (all points distinct, the peer's input) measures the checks themselves.
  // `id`: the rows issue 16's summary table shows (bench/summary.js).
  const runs = [
    { key: 'noWarnings', id: 'lint-no-warnings', label: 'lpstudio lint --no-warnings', args: ['lint', '--no-warnings', big], file: big, points: TSBS_LINES * BIG_COPIES },
    { key: 'warnings', rssId: 'lint-warnings-rss-3m', label: 'lpstudio lint (warnings on)', args: ['lint', big], file: big, points: TSBS_LINES * BIG_COPIES },
    { key: 'warningsDistinct', id: 'lint-warnings', label: 'lpstudio lint (warnings on), 1M distinct points', args: ['lint', tsbs], file: tsbs, points: TSBS_LINES },
  ];
  const rows = [];
  const raw = { file: big, bytes, peer, runs: {} };
  for (const r of runs) {
    const size = statSync(r.file).size;
    log(`${r.label} on ${(size / 1e9).toFixed(2)} GB …`);
    const m = await measureChild(process.execPath, [cli, ...r.args]);
    // The summary is the last line of stdout: "1 file: N lines, N points, N errors, N warnings".
    const summary = /^\d+ files?: (\d+) lines?, (\d+) points?, (\d+) errors?, (\d+) warnings?$/.exec(m.stdout.trim());
    if ((m.code !== 0 && m.code !== 1) || summary === null) throw new Error(`${r.label} exited ${m.code} without a summary line: ${m.stdout.trim().slice(-300)} ${m.stderr.trim().slice(-1500)}`);
    if (Number(summary[2]) !== r.points) throw new Error(`${r.label}: expected ${r.points} points, got "${m.stdout.trim()}"`);
    const mbPerS = MB(size) / m.seconds;
    raw.runs[r.key] = { exit: m.code, seconds: m.seconds, mbPerS, peakRssBytes: m.peakRssBytes, stdoutBytes: m.stdoutBytes, summary: m.stdout };
    rows.push(
      row(`${r.label}: throughput`, {
        id: r.id ?? null,
        ours: mbPerS, unit: 'MB/s', peer: peer.mbPerS, peerName: 'Go models (in memory)', digits: 1,
        target: { text: '≥ 150 MB/s', pass: mbPerS >= 150 },
        note: `${m.seconds.toFixed(2)} s wall, exit ${m.code}, ${(m.stdoutBytes / 1e6).toFixed(1)} MB of output; "${m.stdout.trim()}"`,
      }),
      row(`${r.label}: peak RSS`, {
        id: r.rssId ?? null,
        ours: MB(m.peakRssBytes), unit: 'MB', better: 'lower', peer: MB(peer.peakRssBytes), peerName: 'parse-peer (whole file in memory)', digits: 1,
        target: { text: '< 150 MB', pass: MB(m.peakRssBytes) < 150 },
      }),
    );
  }
  return {
    rows,
    raw,
    notes: [
      `cli: ${process.execPath} ${cli}`,
      `input: ${big} (${(bytes / 1e9).toFixed(3)} GB: the 1M-line TSBS file ×3; stdout of lint piped to the bench, which keeps only its last line, as "lint FILE | tail -1")`,
      'peer: parse-peer over the 1M-line file (same content, parsed from memory, no file I/O), its peak RSS holds the whole 348 MB file',
    ],
  };
}
