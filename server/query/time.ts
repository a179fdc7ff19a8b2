// Times in queries: nanoseconds as bigint; RFC 3339 as InfluxDB prints them (Go's RFC3339Nano,
// trailing zeros of the fraction dropped) or epochs in a unit; and the time literals of WHERE.

export const MIN_TIME = -9223372036854775806n;
export const MAX_TIME = 9223372036854775806n;

const NS_PER_UNIT: Record<string, bigint> = { ns: 1n, n: 1n, u: 1000n, µ: 1000n, 'μ': 1000n, us: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** The divisor for `epoch=`: a unit InfluxDB does not know means nanoseconds, as it does. */
export function epochDivisor(epoch: string): bigint {
  return NS_PER_UNIT[epoch] ?? 1n;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * RFC 3339 with nanoseconds, as Go's time.Format(RFC3339Nano); with `offsetMinutes` the local
 * time in that offset (`tz()`), `Z` when zero.
 */
export function formatRfc3339(ns: bigint, offsetMinutes = 0): string {
  const local = ns + BigInt(offsetMinutes) * 60_000_000_000n;
  const ms = floorDiv(local, 1_000_000n);
  const frac = local - ms * 1_000_000n + (ms - floorDiv(ms, 1000n) * 1000n) * 1_000_000n;
  const d = new Date(Number(floorDiv(ms, 1000n) * 1000n));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  let s = `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (frac !== 0n) s += '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  if (offsetMinutes === 0) return s + 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${s}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A zone's UTC offset in minutes at an instant (IANA name; '' and UTC are 0). */
export function zoneOffsetMinutes(zone: string, ns: bigint): number {
  if (zone === '' || zone === 'UTC') return 0;
  const ms = Number(floorDiv(ns, 1_000_000n));
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * A time string of a WHERE clause: RFC 3339 (with or without fraction and zone: InfluxDB reads
 * a zoneless one as UTC), `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS[.f]`. Undefined when it is none.
 */
export function parseTimeString(s: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (Number.isNaN(ms)) return undefined;
  let ns = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0');
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    ns -= sign * (BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000_000_000n);
  }
  return ns;
}
