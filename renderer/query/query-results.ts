// A query's answer for the Query tab: which statements group by time() (they get a chart), and
// their series as chart columns on a shared time axis.
import { parseQuery, type Statement } from '../../influxql/index.js';
import type { QuerySeries } from '../../app/contract.js';
import { timeAxis, type TimeAxis } from '../components/chart-axis.js';
import { parseTimeInput } from '../components/time-range.js';

/** Indexes of the statements with a `GROUP BY time(…)` (none when the text does not parse). */
export function timeGroupedStatements(q: string): Set<number> {
  let statements: Statement[];
  try {
    statements = parseQuery(q).statements;
  } catch {
    return new Set();
  }
  const out = new Set<number>();
  statements.forEach((s, i) => {
    if (s.kind === 'select' && s.dimensions.some((d) => d.kind === 'call' && d.name.toLowerCase() === 'time')) out.add(i);
  });
  return out;
}

/** `name,k=v,…`: how a series is named in the table and the chart's legend. */
export function seriesTitle(s: QuerySeries): string {
  const tags = Object.entries(s.tags ?? {}).map(([k, v]) => `${k}=${v}`);
  return [s.name ?? '', ...tags].join(',');
}

/** One line per series and numeric column; times from the `time` column (RFC 3339, as /query answers without epoch). */
export function queryChartData(series: readonly QuerySeries[]): { labels: string[]; data: (number | null)[][]; axis: TimeAxis | undefined; times: bigint[] } {
  const rowTimes = series.map((s) => {
    const ti = s.columns.indexOf('time');
    return s.values.map((row) => {
      const v = ti < 0 ? undefined : row[ti];
      const ns = typeof v === 'string' ? parseTimeInput(v) : undefined;
      return typeof ns === 'string' ? BigInt(ns) : undefined;
    });
  });
  const times = [...new Set(rowTimes.flat().filter((t): t is bigint => t !== undefined))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = new Map(times.map((t, i) => [t, i]));
  const labels: string[] = [];
  const cols: (number | null)[][] = [];
  series.forEach((s, si) => {
    s.columns.forEach((c, ci) => {
      if (c === 'time' || !s.values.some((row) => typeof row[ci] === 'number')) return;
      const col = new Array<number | null>(times.length).fill(null);
      s.values.forEach((row, ri) => {
        const t = rowTimes[si][ri];
        const v = row[ci];
        if (t !== undefined && typeof v === 'number') col[at.get(t)!] = v;
      });
      labels.push(`${seriesTitle(s)} ${c}`);
      cols.push(col);
    });
  });
  const axis = times.length === 0 ? undefined : timeAxis(times);
  return { labels, data: [axis?.xs ?? [], ...cols], axis, times };
}
