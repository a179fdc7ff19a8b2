// The chart's time axis fitted to the data's own range. Epoch seconds in a double cannot tell
// points a few nanoseconds apart, and a zero-width range gives uPlot nothing to scale: spans
// under 10 ms are drawn as an offset from the first point (in ns or µs), a single instant gets a
// second either side, and every range is padded so points at its ends stay visible.

export type TimeAxis =
  | { kind: 'time'; xs: number[]; range: [number, number] }
  | { kind: 'offset'; xs: number[]; range: [number, number]; unit: 'ns' | 'µs'; origin: bigint };

/** Spans below this (ns) use the offset axis: uPlot's time axis ticks no finer than a millisecond. */
const OFFSET_BELOW = 10_000_000n;
const PAD = 0.04;

/** `times`: distinct nanosecond timestamps, sorted ascending (at least one). */
export function timeAxis(times: readonly bigint[]): TimeAxis {
  const min = times[0];
  const max = times[times.length - 1];
  const span = max - min;
  if (span === 0n || span >= OFFSET_BELOW) {
    const xs = times.map(seconds);
    const lo = xs[0];
    const hi = xs[xs.length - 1];
    const pad = span === 0n ? 1 : (hi - lo) * PAD;
    return { kind: 'time', xs, range: [lo - pad, hi + pad] };
  }
  const unit = span < 10_000n ? 'ns' : 'µs';
  const div = unit === 'ns' ? 1 : 1000;
  const xs = times.map((t) => Number(t - min) / div);
  const hi = xs[xs.length - 1];
  return { kind: 'offset', xs, range: [-hi * PAD, hi * (1 + PAD)], unit, origin: min };
}

/** Epoch seconds to the microsecond (a double holds that exactly enough for today's dates). */
function seconds(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}

/** An axis position back to nanoseconds since the epoch (to the microsecond on the time axis). */
export function nsAt(axis: TimeAxis, x: number): bigint {
  if (axis.kind === 'time') return BigInt(Math.round(x * 1e6)) * 1000n;
  return axis.origin + BigInt(Math.round(x * (axis.unit === 'ns' ? 1 : 1000)));
}

/** Tick steps of the offset axis: whole units only (a "+0.5 ns" tick means nothing). */
export const OFFSET_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];
