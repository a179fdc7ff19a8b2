// Timestamp units: the spellings users type, what InfluxDB's own parsers do with them, and
// exact nanosecond arithmetic on decimal strings (times never pass through a lossy JS number).
import type { Dialect, Precision } from './types.js';

export const PRECISIONS: readonly Precision[] = ['ns', 'us', 'ms', 's', 'm', 'h'];

/** Nanoseconds in one unit. */
export const UNIT_NS: Readonly<Record<Precision, bigint>> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Decimal digits of UNIT_NS (for the number fast path). */
const UNIT_NS_NUMBER: Readonly<Record<Precision, number>> = {
  ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12,
};

export const PRECISION_LABELS: Readonly<Record<Precision, string>> = {
  ns: 'nanoseconds',
  us: 'microseconds',
  ms: 'milliseconds',
  s: 'seconds',
  m: 'minutes',
  h: 'hours',
};

/** Every spelling InfluxDB's documentation promises, mapped to its unit. */
const SPELLINGS: Readonly<Record<string, Precision>> = {
  ns: 'ns', n: 'ns',
  us: 'us', u: 'us', 'µ': 'us', 'μ': 'us', 'µs': 'us', 'μs': 'us',
  ms: 'ms',
  s: 's',
  m: 'm',
  h: 'h',
};

/** The documented meaning of a precision spelling, or undefined when it is not one. */
export function parsePrecision(raw: string): Precision | undefined {
  return Object.prototype.hasOwnProperty.call(SPELLINGS, raw) ? SPELLINGS[raw] : undefined;
}

export const PRECISION_SPELLINGS: readonly string[] = Object.keys(SPELLINGS);

/**
 * What InfluxDB's own parser does with a raw `precision` parameter: the unit timestamps are
 * multiplied by, and the unit the server time is truncated to. 2.x multiplies only `us`, `ms`, `s`
 * (so `u`, `m`, `h` silently mean ns, issue #21625) yet truncates to all of them; 1.x knows
 * `u`, `ms`, `s`, `m`, `h`. Anything unknown means nanoseconds.
 */
export function influxPrecision(dialect: Dialect, raw: string): { precision: Precision; truncateTo: Precision } {
  if (dialect === 'influxdb1') {
    const unit: Precision | undefined =
      raw === 'u' ? 'us' : raw === 'ms' || raw === 's' || raw === 'm' || raw === 'h' ? raw : undefined;
    return { precision: unit ?? 'ns', truncateTo: unit ?? 'ns' };
  }
  const precision: Precision = raw === 'us' ? 'us' : raw === 'ms' ? 'ms' : raw === 's' ? 's' : 'ns';
  const truncateTo: Precision =
    raw === 'u' || raw === 'us' ? 'us' : raw === 'ms' || raw === 's' || raw === 'm' || raw === 'h' ? raw : 'ns';
  return { precision, truncateTo };
}

/** InfluxDB's supported time range in ns: int64 min + 2 … int64 max − 1. */
export const MIN_TIME = -9223372036854775806n;
export const MAX_TIME = 9223372036854775806n;
export const TIME_RANGE_REASON = 'time outside range -9223372036854775806 - 9223372036854775806';

/** Rounds a ns time down to a multiple of the unit, as Go's time.Truncate does (toward the past). */
export function truncateTime(ns: bigint, unit: Precision): bigint {
  const u = UNIT_NS[unit];
  if (u === 1n) return ns;
  const r = ns % u;
  return r < 0n ? ns - r - u : ns - r;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

const INT64_MAX = '9223372036854775807';
const MAX_TIME_DIGITS = '9223372036854775806';
const INT64_MIN_ABS = '9223372036854775808';

export type TimeResult = { ok: true; ns: string } | { ok: false; reason: string };

/**
 * Converts a timestamp token (optional `-`, digits; already checked) in `unit` to ns exactly like
 * InfluxDB: strconv.ParseInt errors first, then the multiplication overflow and range checks.
 */
export function timestampToNs(token: string, unit: Precision): TimeResult {
  const neg = token.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (i === token.length) return { ok: false, reason: `strconv.ParseInt: parsing "${token}": invalid syntax` };
  while (i < token.length - 1 && token.charCodeAt(i) === 48) i++;
  const digits = token.length - i;
  // Fast path: small enough that number arithmetic is exact and within range.
  if (digits <= 15) {
    const v = Number(token.slice(i)) * UNIT_NS_NUMBER[unit];
    if (v <= Number.MAX_SAFE_INTEGER) return { ok: true, ns: v === 0 ? '0' : neg ? '-' + String(v) : String(v) };
  }
  const abs = token.slice(i);
  if (unit === 'ns' && digits <= 19) {
    // Exact without BigInt: compare the digits with the limits as strings of equal length.
    if (digits === 19 && abs > (neg ? INT64_MIN_ABS : INT64_MAX)) {
      return { ok: false, reason: `strconv.ParseInt: parsing "${token}": value out of range` };
    }
    if (digits === 19 && abs > MAX_TIME_DIGITS) return { ok: false, reason: TIME_RANGE_REASON };
    return { ok: true, ns: neg ? '-' + abs : abs };
  }
  if (digits > 19 || (digits === 19 && abs > (neg ? INT64_MIN_ABS : INT64_MAX))) {
    return { ok: false, reason: `strconv.ParseInt: parsing "${token}": value out of range` };
  }
  const v = (neg ? -BigInt(abs) : BigInt(abs)) * UNIT_NS[unit];
  if (v < MIN_TIME || v > MAX_TIME) return { ok: false, reason: TIME_RANGE_REASON };
  return { ok: true, ns: v.toString() };
}

/** The UTC ISO date of a ns time, with every sub-second digit kept (trailing zeros dropped). */
export function formatNs(ns: string | bigint): string {
  const v = typeof ns === 'bigint' ? ns : BigInt(ns);
  let sec = v / 1_000_000_000n;
  let frac = v % 1_000_000_000n;
  if (frac < 0n) {
    frac += 1_000_000_000n;
    sec -= 1n;
  }
  const d = new Date(Number(sec) * 1000);
  if (Number.isNaN(d.getTime())) return `${v} ns`;
  const digits = frac === 0n ? '' : '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  return d.toISOString().slice(0, 19) + digits + 'Z';
}
