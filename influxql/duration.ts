// InfluxQL duration literals (`10s`, `1h30m`, `500ms`, `2w`) to nanoseconds, as InfluxDB reads them.

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  u: 1000n,
  µ: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

const INT64_MAX = 9223372036854775807n;

/** Nanoseconds, or InfluxDB's error text. */
export function parseDuration(s: string): bigint | string {
  const a = [...s];
  if (a.length < 2) return 'invalid duration';
  let i = 0;
  let negative = false;
  if (a[0] === '-') {
    negative = true;
    i++;
  }
  let d = 0n;
  let measure = 0n;
  let unit = '';
  while (i < a.length) {
    const start = i;
    while (i < a.length && a[i] >= '0' && a[i] <= '9') i++;
    if (i >= a.length || i === start) return 'invalid duration';
    measure = BigInt(a.slice(start, i).join(''));
    if (measure > INT64_MAX) return 'invalid duration';
    const c = a[i];
    if ((c === 'n' || c === 'm') && a[i + 1] === 's') {
      unit = c + 's';
      i += 2;
    } else if (c === 'n') return 'invalid duration';
    else {
      unit = c;
      i++;
    }
    const mult = UNIT_NS[unit];
    if (mult === undefined) return 'invalid duration';
    d += measure * mult;
    // Go's time.Duration wraps silently; InfluxDB then sees a negative total.
    d = BigInt.asIntN(64, d);
  }
  if (d < 0n && !negative) return `overflowed duration ${measure}${unit}: choose a smaller duration or INF`;
  return negative ? -d : d;
}

/** A duration as InfluxDB prints it (`1h`, `30m`, `0s`, `1500ms`). */
export function formatDuration(ns: bigint): string {
  const units: [bigint, string][] = [
    [604_800_000_000_000n, 'w'],
    [86_400_000_000_000n, 'd'],
    [3_600_000_000_000n, 'h'],
    [60_000_000_000n, 'm'],
    [1_000_000_000n, 's'],
    [1_000_000n, 'ms'],
    [1000n, 'u'],
  ];
  if (ns === 0n) return '0s';
  for (const [n, u] of units) if (ns % n === 0n) return `${ns / n}${u}`;
  return `${ns}ns`;
}
