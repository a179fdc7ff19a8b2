// The one table `npm run bench` ends with: every row of issue 16's table, with our figure, the
// peer's from the same run, the ratio, the bar and whether it is met. A section contributes a
// row by giving it a stable `id` (row(name, { id, … }) in bench/lib.js); the summary picks rows
// up by id, so a section only measures and this file alone holds the bars. A row whose section
// did not run (or has no row with that id yet) shows as "not run".
//
// Ids a section must give its rows to appear here (figures in the unit named):
//   lint-warnings (MB/s, peer Go)         lint-warnings-rss-3m (MB)   lint-no-warnings (MB/s, peer Go)
//   endpoint-ingest (points/s, peer InfluxDB 1.6.7)   endpoint-p50, endpoint-p99 (ms)
//   upload-gzip (MB/s)
//   editor-validate, editor-settext, editor-diagnostics, editor-diagnostics-max (ms)
//   browser-keystroke-mid, browser-keystroke-mid-worst (ms)
//   store-newest-100 (ms)   restart-10m (ms or s)
//   export-1m, export-9500k (points/s)   export-1m-rss, export-9500k-rss (MB)
import { fmtNum } from './lib.js';

/** A row's figure in milliseconds (rows give ms or s). */
const ms = (r) => (r === undefined || typeof r.ours !== 'number' ? NaN : r.unit === 's' ? r.ours * 1000 : r.ours);
const val = (r) => (r === undefined || typeof r.ours !== 'number' ? NaN : r.ours);

/**
 * The table: `id` of the row shown, `what` it measures, the bar as text and as a test of the
 * rows (get(id) → row or undefined; `null` when the issue sets no bar for it).
 */
export const SUMMARY = [
  { id: 'lint-warnings', what: '`lpstudio lint` (warnings on, the default), 1M distinct points', bar: '≥ 1.0x Go, RSS < 150 MB on 3M lines', pass: (r, get) => r.ratio >= 1 && val(get('lint-warnings-rss-3m')) < 150 },
  { id: 'lint-warnings-rss-3m', what: '  its peak RSS on 3M lines', bar: '< 150 MB', pass: (r) => val(r) < 150 },
  { id: 'lint-no-warnings', what: '`lpstudio lint --no-warnings`', bar: null },
  { id: 'endpoint-ingest', what: 'endpoint ingest, lpload 4 x 5000, fsync on both', bar: '≥ 1.5x InfluxDB 1.6.7', pass: (r) => r.ratio >= 1.5 },
  { id: 'endpoint-p50', what: '  our request latency p50', bar: null },
  { id: 'endpoint-p99', what: '  our request latency p99', bar: null },
  { id: 'upload-gzip', what: '`lpstudio write` 600k lines, gzip', bar: '≥ 60 MB/s', pass: (r) => val(r) >= 60 },
  { id: 'editor-validate', what: 'editor, 100k lines, first full check: validate', bar: '< 150 ms', pass: (r) => ms(r) < 150 },
  { id: 'editor-settext', what: 'editor, 100k lines, first full check: setText', bar: '< 150 ms', pass: (r) => ms(r) < 150 },
  { id: 'editor-diagnostics', what: 'editor, one-line edit with cross-line checks (median)', bar: '< 5 ms', pass: (r) => ms(r) < 5 },
  { id: 'editor-diagnostics-max', what: '  same, max', bar: null },
  { id: 'browser-keystroke-mid', what: 'browser, keystroke mid-document (line 50,000), median', bar: '< 40 ms median, < 80 ms worst', pass: (r, get) => ms(r) < 40 && ms(get('browser-keystroke-mid-worst')) < 80 },
  { id: 'browser-keystroke-mid-worst', what: '  same, worst', bar: '< 80 ms', pass: (r) => ms(r) < 80 },
  { id: 'store-newest-100', what: 'newest 100 points of a 10M-point shard group (median)', bar: '< 50 ms', pass: (r) => ms(r) < 50 },
  { id: 'store-newest-100-first', what: '  same, first read after opening', bar: '< 50 ms', pass: (r) => ms(r) < 50 },
  { id: 'restart-10m', what: 'restart with 10M points stored (TSBS, 1,000 series)', bar: '< 1 s', pass: (r) => ms(r) < 1000 },
  { id: 'restart-10m-many-series', what: '  same, 250,000 series of 20 points', bar: '< 1 s', pass: (r) => ms(r) < 1000 },
  { id: 'export-1m', what: '`lpstudio export`, 1M TSBS points', bar: '≥ 1M points/s, RSS < 200 MB', pass: (r, get) => val(r) >= 1e6 && val(get('export-1m-rss')) < 200 },
  { id: 'export-1m-rss', what: '  its peak RSS', bar: '< 200 MB', pass: (r) => val(r) < 200 },
  { id: 'export-9500k', what: '`lpstudio export`, 9.5M points', bar: '≥ 1M points/s, RSS < 200 MB', pass: (r, get) => val(r) >= 1e6 && val(get('export-9500k-rss')) < 200 },
  { id: 'export-9500k-rss', what: '  its peak RSS', bar: '< 200 MB', pass: (r) => val(r) < 200 },
];

/** The summary's rows from the sections' results of this run: { id, what, section, ours, peer, unit, ratio, bar, pass, status }. */
export function summaryRows(results) {
  const byId = new Map();
  for (const s of results) {
    if (s.status !== 'ok') continue;
    for (const r of s.rows ?? []) if (r.id) byId.set(r.id, { ...r, section: s.name });
  }
  const get = (id) => byId.get(id);
  return SUMMARY.map((spec) => {
    const r = get(spec.id);
    if (r === undefined) return { id: spec.id, what: spec.what, bar: spec.bar, status: 'not run' };
    const pass = spec.pass === undefined || spec.bar === null ? null : Boolean(spec.pass(r, get));
    return { id: spec.id, what: spec.what, section: r.section, ours: r.ours, peer: r.peer, peerName: r.peerName, unit: r.unit, digits: r.digits, ratio: r.ratio, bar: spec.bar, pass, status: 'ok' };
  });
}

export function printSummary(rows) {
  const fig = (v, r) => (v === null || v === undefined ? '' : `${fmtNum(v, r.digits)} ${r.unit ?? ''}`.trim());
  const cells = rows.map((r) =>
    r.status === 'not run'
      ? [r.what, 'not run', '', '', r.bar ?? '', '']
      : [r.what, fig(r.ours, r), fig(r.peer, r), r.ratio === null || r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`, r.bar ?? '', r.pass === null ? '' : r.pass ? 'pass' : 'FAIL'],
  );
  const head = ['what', 'ours', 'peer (same run)', 'ratio', 'bar', 'pass/fail'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => '  ' + c.map((x, i) => (i === 0 || i >= 4 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ').trimEnd();
  console.log(line(head));
  console.log('  ' + w.map((n) => '-'.repeat(n)).join('  '));
  for (const c of cells) console.log(line(c));
  const judged = rows.filter((r) => r.pass !== null && r.status === 'ok');
  console.log(`  ${judged.filter((r) => r.pass).length} of ${judged.length} bars met; ${rows.filter((r) => r.status === 'not run').length} rows not run`);
}
