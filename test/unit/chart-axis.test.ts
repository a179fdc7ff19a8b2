// The chart's time axis: fitted to the data's own range, with a sensible width for one instant
// and an offset axis where epoch seconds cannot tell the points apart.
import { describe, expect, it } from 'vitest';
import { nsAt, timeAxis } from '../../renderer/components/chart-axis.js';

const T = 1_700_000_000_000_000_000n;

describe('timeAxis', () => {
  it('one instant: a time axis a second either side of it (to the µs)', () => {
    const a = timeAxis([T + 123_456_789n]);
    expect(a.kind).toBe('time');
    expect(a.xs).toEqual([1_700_000_000.123456]);
    expect(nsAt(a, a.range[0])).toBe(T - 1_000_000_000n + 123_456_000n);
    expect(nsAt(a, a.range[1])).toBe(T + 1_000_000_000n + 123_456_000n);
  });

  it('points nanoseconds apart: distinct positions on an axis counting ns from the first', () => {
    const a = timeAxis([T, T + 1n, T + 2n]);
    expect(a).toMatchObject({ kind: 'offset', unit: 'ns', xs: [0, 1, 2], origin: T });
    expect(a.range[0]).toBeLessThan(0);
    expect(a.range[1]).toBeGreaterThan(2);
    expect(nsAt(a, 2)).toBe(T + 2n);
  });

  it('microseconds apart: µs; 10 ms or more: the time axis', () => {
    expect(timeAxis([T, T + 50_000n])).toMatchObject({ kind: 'offset', unit: 'µs', xs: [0, 50] });
    const a = timeAxis([T, T + 3_600_000_000_000n]);
    expect(a.kind).toBe('time');
    expect(a.xs).toEqual([1_700_000_000, 1_700_003_600]);
    // Padded a little so the end points' markers are inside, not years wide.
    expect(a.range[0]).toBeGreaterThan(1_700_000_000 - 3600 * 0.1);
    expect(a.range[1]).toBeLessThan(1_700_003_600 + 3600 * 0.1);
  });
});
