// A uPlot chart of a measurement's numeric fields over time, one line per series and field.
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { StoredPointOut } from '../../app/contract.js';

const COLORS = ['#1c7ed6', '#e8590c', '#2b8a3e', '#9c36b5', '#c2255c', '#0b7285', '#5f3dc4', '#d9480f'];

/** Columns for uPlot: shared x (seconds), one y array per numeric series×field (null where absent). */
export function chartData(points: readonly StoredPointOut[]): { labels: string[]; data: (number | null)[][] } {
  const times = [...new Set(points.map((p) => p.time))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const at = new Map(times.map((t, i) => [t, i]));
  const cols = new Map<string, (number | null)[]>();
  for (const p of points) {
    for (const f of p.fields) {
      if (f.type !== 'float' && f.type !== 'int' && f.type !== 'uint') continue;
      const label = `${p.series} ${f.key}`;
      let col = cols.get(label);
      if (col === undefined) cols.set(label, (col = new Array<number | null>(times.length).fill(null)));
      col[at.get(p.time)!] = Number(f.value);
    }
  }
  const labels = [...cols.keys()].sort();
  return { labels, data: [times.map((t) => Number(BigInt(t) / 1_000_000n) / 1000), ...labels.map((l) => cols.get(l)!)] };
}

export function PointsChart(props: { points: readonly StoredPointOut[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const { labels, data } = chartData(props.points);
    if (labels.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.max(400, el.clientWidth),
        height: 260,
        series: [{}, ...labels.slice(0, 24).map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], spanGaps: true }))],
        axes: [{}, {}],
      },
      data.slice(0, 25) as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [props.points]);
  return <div ref={host} role="img" aria-label="Chart of numeric fields" />;
}
