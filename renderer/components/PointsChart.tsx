// A uPlot chart over time: a measurement's numeric fields (one line per series and field) or a
// query's GROUP BY time() series (QueryPanel), fitted to the data's own time range (chart-axis.ts). Sparse series are drawn with markers, so
// a single point or a few points are visible; the range shown is stated under the chart.
import 'uplot/dist/uPlot.min.css';
import { Text } from '@mantine/core';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import type { StoredPointOut } from '../../app/contract.js';
import { nsAt, OFFSET_INCREMENTS, timeAxis, type TimeAxis } from './chart-axis.js';
import { isoNs } from './time-range.js';

const COLORS = ['#1c7ed6', '#e8590c', '#2b8a3e', '#9c36b5', '#c2255c', '#0b7285', '#5f3dc4', '#d9480f'];
/** A series with at most this many values gets a marker on each. */
const MARKERS_UP_TO = 60;

/** Columns for uPlot: shared x (chart-axis.ts), one y array per numeric series×field (null where absent). */
export function chartData(points: readonly StoredPointOut[]): { labels: string[]; data: (number | null)[][]; axis: TimeAxis | undefined; times: bigint[] } {
  const times = [...new Set(points.map((p) => p.time))].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = new Map(times.map((t, i) => [t.toString(), i]));
  const cols = new Map<string, (number | null)[]>();
  for (const p of points) {
    for (const f of p.fields) {
      if (f.type !== 'float' && f.type !== 'int' && f.type !== 'uint') continue;
      const label = `${p.series} ${f.key}`;
      let col = cols.get(label);
      if (col === undefined) cols.set(label, (col = new Array<number | null>(times.length).fill(null)));
      col[at.get(BigInt(p.time).toString())!] = Number(f.value);
    }
  }
  const labels = [...cols.keys()].sort();
  const axis = times.length === 0 ? undefined : timeAxis(times);
  return { labels, data: [axis?.xs ?? [], ...labels.map((l) => cols.get(l)!)], axis, times };
}

export function PointsChart(props: { points: readonly StoredPointOut[] }) {
  const chart = useMemo(() => chartData(props.points), [props.points]);
  return <TimeChart chart={chart} label="Chart of numeric fields" />;
}

/** Columns on a shared time axis (from chartData, or a query's series), drawn with uPlot. */
export function TimeChart(props: { chart: { labels: string[]; data: (number | null)[][]; axis: TimeAxis | undefined; times: bigint[] }; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const { chart } = props;
  useEffect(() => {
    const el = host.current;
    const { labels, data, axis } = chart;
    if (el === null || axis === undefined || labels.length === 0) return;
    const offset = axis.kind === 'offset' ? axis : undefined;
    const first = axis.xs[0];
    const last = axis.xs[axis.xs.length - 1];
    const plot = new uPlot(
      {
        width: Math.max(400, el.clientWidth),
        height: 260,
        // The data's own range, padded; a zoom (any other min/max) is taken as asked. (uPlot
        // widens a single instant to a day before asking: that is the auto range too.)
        scales: { x: { time: offset === undefined, range: (_u, min, max) => (min === first && (max === last || first === last) ? axis.range : [min, max]) } },
        series: [
          offset ? { label: `+${offset.unit}`, value: (_u, v) => (v === null ? '' : `+${v} ${offset.unit}`) } : {},
          ...labels.slice(0, 24).map((label, i) => {
            const color = COLORS[i % COLORS.length];
            const values = data[i + 1].reduce<number>((n, v) => (v === null ? n : n + 1), 0);
            return { label, stroke: color, spanGaps: true, points: values <= MARKERS_UP_TO ? { show: true, size: 8, fill: color, stroke: color } : {} };
          }),
        ],
        axes: [offset ? { incrs: OFFSET_INCREMENTS, values: (_u, splits) => splits.map((v) => `+${v} ${offset.unit}`) } : {}, {}],
        hooks: {
          // What the x scale shows, as dates, for whoever reads the page (and the tests).
          setScale: [
            (u, key) => {
              if (key !== 'x' || u.scales.x.min === undefined || u.scales.x.max === undefined) return;
              el.dataset.xFrom = isoNs(nsAt(axis, u.scales.x.min).toString());
              el.dataset.xTo = isoNs(nsAt(axis, u.scales.x.max).toString());
            },
          ],
        },
      },
      data.slice(0, 25) as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [chart]);
  const { times, axis } = chart;
  return (
    <div>
      <div ref={host} role="img" aria-label={props.label} />
      {axis && (
        <Text size="xs" c="dimmed" aria-label="Chart time range">
          {times.length === 1
            ? `One instant: ${isoNs(times[0].toString())}`
            : `${isoNs(times[0].toString())} … ${isoNs(times[times.length - 1].toString())} (${times.length} instants)`}
          {axis.kind === 'offset' ? ` · the axis counts ${axis.unit} after the first` : ''}
        </Text>
      )}
    </div>
  );
}
